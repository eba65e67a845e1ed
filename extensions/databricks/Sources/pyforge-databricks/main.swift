import DatabricksExtension
import PyForgeExtensionKit

await ExtensionServer.run(DatabricksExtension())
