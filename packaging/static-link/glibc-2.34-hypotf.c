/*
 * Keeps the distribution binaries loadable on glibc 2.34 (manylinux_2_34: Ubuntu 22.04,
 * Databricks Runtime 13.3 LTS and later).
 *
 * Why: glibc 2.35 added a new version of hypotf (hypotf@@GLIBC_2.35), and the Swift
 * runtime's static archives reference it when linked against this machine's glibc 2.36;
 * it is the only symbol that needs a glibc newer than 2.34. Linking with `--wrap=hypotf`
 * sends those calls here. (Binding the old hypotf@GLIBC_2.2.5 with .symver does not work:
 * the linker wraps that reference too, and the wrapper would call itself.)
 *
 * The computation is glibc's own for binary32 (sysdeps/ieee754/flt-32/e_hypotf.c): the
 * squares and their sum are exact enough in binary64 that one rounding gives the
 * correctly rounded float. An infinite argument gives +inf even with the other one NaN
 * (IEEE 754 hypot), which the plain formula would not. Built with -fno-math-errno, so the
 * square root is the sqrtsd instruction and needs nothing from libm.
 */
float __wrap_hypotf(float x, float y) {
    if (__builtin_isinf(x) || __builtin_isinf(y)) return __builtin_inff();
    double dx = x, dy = y;
    return (float)__builtin_sqrt(dx * dx + dy * dy);
}
