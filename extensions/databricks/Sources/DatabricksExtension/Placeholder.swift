// DatabricksExtension
