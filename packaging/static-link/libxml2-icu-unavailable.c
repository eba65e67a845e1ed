/*
 * The ICU converter functions Debian's libxml2.a calls, answering "no converter".
 *
 * Why: Debian builds libxml2 with ICU, and linking ICU statically would add its 30 MB data
 * library to every binary in the wheel. libxml2 (encoding.c, xmlFindCharEncodingHandler)
 * handles UTF-8, UTF-16, ISO-8859-1 and ASCII itself, asks glibc's iconv for any other
 * encoding first, and tries ICU only when iconv does not know the name. With these
 * functions an encoding unknown to iconv is "unsupported" — the same answer a libxml2
 * built without ICU gives. libxml2's openIcuConverter() checks the status set by
 * ucnv_open() and never calls the other functions on a converter it could not open.
 *
 * Only the static distribution build links this (scripts/build-release); a development
 * build links the system's shared libxml2 and ICU.
 */
#include <stddef.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>

UConverter *ucnv_open(const char *name, UErrorCode *status) {
    (void)name;
    if (status != NULL && *status <= U_ZERO_ERROR) *status = U_FILE_ACCESS_ERROR;
    return NULL;
}

void ucnv_close(UConverter *converter) { (void)converter; }

static void unsupported(UErrorCode *status) {
    if (status != NULL && *status <= U_ZERO_ERROR) *status = U_UNSUPPORTED_ERROR;
}

void ucnv_convertEx(UConverter *targetCnv, UConverter *sourceCnv, char **target, const char *targetLimit,
                    const char **source, const char *sourceLimit, UChar *pivotStart, UChar **pivotSource,
                    UChar **pivotTarget, const UChar *pivotLimit, UBool reset, UBool flush, UErrorCode *status) {
    (void)targetCnv; (void)sourceCnv; (void)target; (void)targetLimit; (void)source; (void)sourceLimit;
    (void)pivotStart; (void)pivotSource; (void)pivotTarget; (void)pivotLimit; (void)reset; (void)flush;
    unsupported(status);
}

void ucnv_setToUCallBack(UConverter *converter, UConverterToUCallback action, const void *context,
                         UConverterToUCallback *oldAction, const void **oldContext, UErrorCode *status) {
    (void)converter; (void)action; (void)context; (void)oldAction; (void)oldContext;
    unsupported(status);
}

void ucnv_setFromUCallBack(UConverter *converter, UConverterFromUCallback action, const void *context,
                           UConverterFromUCallback *oldAction, const void **oldContext, UErrorCode *status) {
    (void)converter; (void)action; (void)context; (void)oldAction; (void)oldContext;
    unsupported(status);
}

/* libxml2 passes these as the stop-on-error callbacks of a converter it opened; with no
 * converter ever opened they are never called, but must exist to link. */
void UCNV_FROM_U_CALLBACK_STOP(const void *context, UConverterFromUnicodeArgs *args, const UChar *units,
                               int32_t length, UChar32 codePoint, UConverterCallbackReason reason,
                               UErrorCode *status) {
    (void)context; (void)args; (void)units; (void)length; (void)codePoint; (void)reason;
    unsupported(status);
}

void UCNV_TO_U_CALLBACK_STOP(const void *context, UConverterToUnicodeArgs *args, const char *units,
                             int32_t length, UConverterCallbackReason reason, UErrorCode *status) {
    (void)context; (void)args; (void)units; (void)length; (void)reason;
    unsupported(status);
}
