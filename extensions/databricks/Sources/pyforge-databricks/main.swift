print("pyforge-databricks")
