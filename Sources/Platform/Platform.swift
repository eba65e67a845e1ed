// The C library, chosen once: every module of pyforge writes `import Platform` instead of
// repeating the Glibc/Darwin choice. (FoundationEssentials is not re-exported: the modules
// that need it import it themselves, so the others stay free of it.)
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif
