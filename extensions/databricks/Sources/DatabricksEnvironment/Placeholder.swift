// DatabricksEnvironment
