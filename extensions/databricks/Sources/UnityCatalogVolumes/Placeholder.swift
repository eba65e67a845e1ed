// UnityCatalogVolumes
