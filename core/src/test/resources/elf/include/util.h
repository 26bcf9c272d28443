// Included through a relative -I, so the line table names it relative to the compile directory.
static inline int twice(int x) {
    return 2 * x; // @twice-body
}
