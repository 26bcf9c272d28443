// C++ test program: namespaces, templates, static members, a function-local static.
#include <cstdio>

namespace geo {
struct Shape { int w, h; };
int made; // @made
int area(const Shape &s) { return s.w * s.h; }
template <typename T> T twice(T x) { return x + x; }
}

struct Counter {
    static int total; // @total
};
int Counter::total = 5; // @total-definition

namespace {
int hidden = 7; // @hidden
}

geo::Shape unit{1, 1};

int main() {
    static int runs = 0; // @runs
    runs++;
    geo::made = geo::area(unit) + geo::twice(2) + hidden;
    std::printf("%d %d\n", geo::made, Counter::total);
    return runs;
}
