// SparkConnect
