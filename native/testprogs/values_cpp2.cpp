// values_cpp2: more C++ source-level values for the gdb oracle (issue 12), built at -O0
// (values_cpp2_O0) and -O2 (values_cpp2_O2), -std=gnu++17. What values_cxx does not exercise: a
// template of several parameters, one of them a non-type parameter; multiple inheritance with a
// virtual destructor; references to pointers and rvalue references; an enum class with an explicit
// underlying type; nested namespaces and a namespace alias; static members with and without
// storage; const methods (`this` is `const T *`); a lambda and its captures; a union inside a class;
// bit fields; bool, wchar_t, char16_t; plain arrays in classes. No standard library types (gdb loads
// libstdc++'s pretty-printers, which print none of these). Lines marked MARK are where
// values_oracle.py breaks; after the colon, what it prints there ("up N": frames 1..N as well).
#include <cstdio>

namespace outer {
namespace inner {
enum class Level : unsigned char { Low = 1, Mid = 8, High = 200 };

struct Packed {
    unsigned int flag : 1;
    int small : 5;
    unsigned int wide : 12;
    bool on : 1;
};

int counter = 3;
}  // namespace inner
}  // namespace outer

namespace oi = outer::inner;

struct Named {
    Named(const char *n) : name(n) {}
    virtual ~Named() { sink_named++; }
    const char *name;
    static int sink_named;
};
int Named::sink_named = 0;

struct Sized {
    explicit Sized(int s) : size(s) {}
    virtual ~Sized() {}
    virtual int weight() const { return size; }
    int size;
    static const int limit = 64;
    static constexpr double ratio = 0.5;
};

class Item : public Named, public Sized {
public:
    Item(const char *n, int s, oi::Level l) : Named(n), Sized(s), level(l) {
        grid[0][0] = 1;
        grid[0][1] = 2;
        grid[1][0] = 3;
        grid[1][1] = 4;
        store.as_int = 0x40490fdb;
        bits.flag = 1;
        bits.small = -7;
        bits.wide = 4000;
        bits.on = true;
        letter = L'W';
        code = u'Z';
        ok = s > 1;
    }
    ~Item() override { sink_named += 10; }

    __attribute__((noinline)) int weight() const override {
        int w = size * static_cast<int>(level) + grid[1][1];
        return w; // MARK weight: print *this, print this->level, print grid, print store, print bits, print letter, print code, print ok, print name, print Sized::limit, print size + 1
    }

    oi::Level level;
    int grid[2][2];
    union {
        int as_int;
        float as_float;
    } store;
    oi::Packed bits;
    wchar_t letter;
    char16_t code;
    bool ok;
};

template <typename K, typename V, int N>
struct Table {
    K keys[N];
    V values[N];
    int used;

    __attribute__((noinline)) V lookup(K key) const {
        V found = V();
        for (int i = 0; i < used; i++)
            if (keys[i] == key) found = values[i];
        return found; // MARK lookup: print *this, print key, print found, print N, print used
    }
};

__attribute__((noinline)) int adjust(int *&ptr, int &&moved, const Item &item) {
    int before = *ptr;
    ptr += 1;
    int after = *ptr + moved + item.size;
    return before + after; // MARK adjust: print ptr, print *ptr, print moved, print item.level, print item.bits, print oi::counter, print outer::inner::counter, up 1
}

__attribute__((noinline)) int apply_all(const int *data, int n, int bias) {
    int scale = 3;
    auto combine = [bias, &scale](int v) __attribute__((noinline)) {
        int out = v * scale + bias;
        return out; // MARK lambda: print v, print bias, print scale, print out
    };
    int total = 0;
    for (int i = 0; i < n; i++) total += combine(data[i]);
    return total;
}

int numbers[4] = {10, 20, 30, 40};

int main() {
    int a = 0, l = 0; // set before adjust's `up 1` shows main (an unset local shows what the stack held)
    Item item("widget", 5, oi::Level::Mid);
    const Sized &as_sized = item;
    int w = as_sized.weight();
    Table<int, double, 3> table = {{1, 2, 3}, {1.5, -2.25, 8.0}, 3};
    Table<char, short, 2> small = {{'a', 'b'}, {-1, 300}, 2};
    double d = table.lookup(2);
    short s = small.lookup('b');
    int *cursor = numbers;
    a = adjust(cursor, w * 2, item);
    l = apply_all(numbers, 2, -4);
    std::printf("weight: %d\n", w);
    std::printf("lookup: %.2f %d\n", d, s);
    std::printf("adjust: %d cursor=%d\n", a, *cursor);
    std::printf("apply: %d named=%d\n", l, Named::sink_named); // MARK main_end: print item, print table, print small, print cursor, print w
    return 0;
}
