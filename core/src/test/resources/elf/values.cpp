// C++ scopes and types for ElfDebugInfoTest: namespaces, a class with a base, a static member and
// a method defined outside it, a template, an enum class, a reference.
namespace geo {
struct Shape {
    virtual ~Shape() {}
    virtual double area() const = 0;
    int id = 0;
};

class Circle : public Shape {
public:
    explicit Circle(double r) : r_(r) {}
    double area() const override;
    static int count;

private:
    double r_;
};

int Circle::count = 0;

double Circle::area() const {
    double squared = r_ * r_;
    return 3.0 * squared; // @area
}

template <typename T, int N>
struct Box {
    T items[N];
    T first() const { return items[0]; }
};

enum class Mode : unsigned char { Off, On = 200 };
} // namespace geo

int main() {
    geo::Circle c(2.0);
    geo::Box<int, 3> box{{1, 2, 3}};
    int &ref = box.items[1];
    geo::Mode mode = geo::Mode::On;
    double a = c.area();
    return (int)a + box.first() + ref + (int)mode + geo::Circle::count; // @main-return
}
