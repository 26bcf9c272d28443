// values_cxx: C++ source-level values for the gdb oracle (issue 12), -O0 -std=gnu++17: a base class
// and a derived one with a virtual method, `this`, references (int&, const Point&), a template class
// and a template function each instantiated with int and double, an enum class, static data
// members, namespace members. No standard library types (no pretty-printers involved). Lines marked
// MARK are where values_oracle.py breaks; after the colon, what it prints there.
#include <cstdio>

namespace geo {

enum class Shape : int { Circle, Square = 4, Triangle };

struct Point {
    int x;
    int y;
};

class Base {
public:
    explicit Base(int id) : id_(id) { instances++; }
    virtual ~Base() = default;
    virtual int area() const { return 0; }
    int id_;
    static int instances;

protected:
    double scale_ = 1.5;
};

class Rect : public Base {
public:
    Rect(int id, int w, int h) : Base(id), w_(w), h_(h) {}
    int area() const override {
        int a = w_ * h_;
        return a; // MARK area: print *this, print w_, print this->id_, print shape, print Base::instances
    }
    int w_;
    int h_;
    Shape shape = Shape::Square;
    static const int sides = 4;
};

int Base::instances = 0;
Point origin = {7, -7};
Shape default_shape = Shape::Triangle;

}  // namespace geo

template <typename T>
struct Box {
    T value;
    int uses;
    T twice() const {
        T r = value + value;
        return r; // MARK twice: print *this, print value, print r
    }
};

template <typename T>
__attribute__((noinline)) T largest(const T *items, int n) {
    T best = items[0];
    for (int i = 1; i < n; i++)
        if (items[i] > best) best = items[i];
    return best; // MARK largest: print best, print items[0], print n
}

__attribute__((noinline)) int shift(int &ref, const geo::Point &p, geo::Shape s) {
    int before = ref;
    ref += p.x * 2 - p.y;
    return ref + before + static_cast<int>(s); // MARK shift: print ref, print p, print p.y, print s, print geo::origin
}

__attribute__((noinline)) int measure(const geo::Base &shape, geo::Base *also) {
    int total = shape.area() + also->area();
    return total; // MARK measure: print shape, print *also, print also->id_, print geo::Base::instances, print geo::default_shape
}

static geo::Rect global_rect(9, 2, 5);

int main() {
    geo::Rect r(1, 3, 4);
    geo::Base plain(2);
    geo::Point p = {5, 6};
    int counter = 10;
    int &alias = counter;
    int s1 = shift(alias, p, geo::Shape::Circle);
    int s2 = shift(counter, geo::origin, r.shape);
    Box<int> bi = {21, 1};
    Box<double> bd = {0.75, 2};
    int ints[] = {3, 9, -4, 7};
    double doubles[] = {-1.5, 2.25, 0.125};
    int m = measure(r, &plain);
    int m2 = measure(global_rect, &r);
    std::printf("shift: %d %d\n", s1, s2);
    std::printf("box: %d %.2f\n", bi.twice(), bd.twice());
    std::printf("largest: %d %.3f\n", largest(ints, 4), largest(doubles, 3));
    std::printf("measure: %d %d instances=%d\n", m, m2, geo::Base::instances); // MARK main_end: print r, print plain, print alias, print geo::Rect::sides
    return 0;
}
