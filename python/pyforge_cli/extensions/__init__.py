"""pyforge extensions for hosted notebook environments."""
