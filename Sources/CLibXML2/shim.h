// libxml2's headers pull in ICU's when LIBXML_ICU_ENABLED is set, which clashes with
// the ICU inside Foundation: read the version header first and drop the flag.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
