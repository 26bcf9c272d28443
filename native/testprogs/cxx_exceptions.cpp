// cxx_exceptions: C++ exceptions thrown through several frames, a custom exception type and a
// rethrow. Unwinding runs libgcc's unwinder over .eh_frame, which the replay must execute exactly.
//
// Watched globals:
//   caught    0 -> 1 -> 2 -> 3: incremented by each catch in main (not by the inner catch that
//             rethrows).
//   rethrows  0 -> 1: set by the inner catch in rethrower() before its `throw;`.
#include <cstdio>
#include <stdexcept>
#include <string>

int caught = 0;
int rethrows = 0;

struct InventoryError : std::exception {
    int code;
    std::string item;
    InventoryError(int c, std::string i) : code(c), item(std::move(i)) {}
    const char *what() const noexcept override { return "inventory error"; }
};

__attribute__((noinline)) int level3(int x)
{
    if (x > 0)
        throw std::runtime_error("level3 failed with x=" + std::to_string(x));
    return x;
}

__attribute__((noinline)) int level2(int x) { return level3(x + 1) + 1; }
__attribute__((noinline)) int level1(int x) { return level2(x + 1) + 1; }

__attribute__((noinline)) void take_item(const std::string &item, int stock)
{
    if (stock <= 0)
        throw InventoryError(404, item);
}

__attribute__((noinline)) void rethrower()
{
    try {
        level1(10);
    } catch (const std::runtime_error &e) {
        rethrows = 1;
        std::printf("rethrower: caught \"%s\", rethrowing\n", e.what());
        throw;
    }
}

int main()
{
    try {
        level1(1);
        std::printf("not reached\n");
    } catch (const std::runtime_error &e) {
        caught++;
        std::printf("caught runtime_error: %s\n", e.what());
    }

    try {
        take_item("widget", 0);
        std::printf("not reached\n");
    } catch (const InventoryError &e) {
        caught++;
        std::printf("caught InventoryError: %s code=%d item=%s\n", e.what(), e.code, e.item.c_str());
    }

    try {
        rethrower();
        std::printf("not reached\n");
    } catch (const std::exception &e) {
        caught++;
        std::printf("caught rethrown exception: %s\n", e.what());
    }

    std::printf("caught=%d rethrows=%d\n", caught, rethrows);
    return 0;
}
