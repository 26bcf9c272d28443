// dataflow_cxx: a value through a constructor, a virtual call and references, for the "origin of a
// value" query (issue 13), -O0 -std=gnu++17. README.md ("Data flow") gives the exact chain:
//
//   cxx_result = Derived::get() (field = atoi(argv[1]) * scale) + bonus
//     argv[1] "5": its byte argv[1][0]; scale: .data (3); bonus: .rodata (100)
//   field is written by Derived's constructor, read by the virtual call b.get() in add_bonus
//   (const Base&), and the sum is stored through store_result's int& into the global.
//
// Args: NUMBER (the tests use 5). No iostreams. Watched global: cxx_result 0 -> 115.
#include <cstdio>
#include <cstdlib>

extern const int bonus;
const int bonus = 100; // .rodata (a global symbol: extern)
int scale = 3;         // .data
int cxx_result;

struct Base {
    virtual int get() const { return 0; }
};

struct Derived : Base {
    explicit Derived(int seed) : field(seed * scale) {}
    int get() const override { return field; }
    int field;
};

// The call goes through b's vtable. bonus is read through a reference: gcc folds a plain use of a
// const int into an immediate even at -O0, a load through a reference it keeps (from .rodata).
__attribute__((noinline)) int add_bonus(const Base &b)
{
    const int &bonus_ref = bonus;
    return b.get() + bonus_ref;
}

// The store into the global is made through the reference.
__attribute__((noinline)) void store_result(int &out, int value)
{
    out = value;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: dataflow_cxx NUMBER\n");
        return 2;
    }
    int seed = std::atoi(argv[1]);
    Derived d(seed);
    int sum = add_bonus(d);
    store_result(cxx_result, sum);
    std::printf("field=%d\n", d.field);
    std::printf("cxx_result=%d\n", cxx_result);
    return 0;
}
