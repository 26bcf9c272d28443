package dev.omniscope.values;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Parses C and C++ expressions as gdb's {@code c-exp.y} does, into an {@link Expr}: literals,
 * (qualified) names, registers, member access, subscripts, unary and binary operators with C's
 * precedence and gdb's {@code @} (between the shifts and {@code +}), the conditional operator,
 * casts to base, typedef, struct and pointer types, and {@code sizeof}. Syntax errors carry gdb's
 * message ("A syntax error in expression, near `rest'.") and the position.
 */
final class ExpressionParser {
    private static final Set<String> BASE_WORDS = Set.of("int", "char", "short", "long", "unsigned", "signed", "float", "double",
            "void", "_Bool", "bool", "__int128");
    private static final List<String> PUNCTUATION = List.of("->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "::", "+", "-",
            "*", "/", "%", "<", ">", "&", "|", "^", "!", "~", "?", ":", "(", ")", "[", "]", ".", "@", ",", "=");

    private record Token(String kind, String text, int pos) {}

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private final Predicate<String> isTypeName;
    private final Predicate<String> isSymbol;
    private int at;

    /**
     * @param isTypeName whether an identifier names a type (a typedef, or a C++ class) rather than a variable
     * @param isSymbol   whether an unqualified name is known; gdb's parser reports an unknown one
     *                   ("No symbol ... in current context.") as soon as it reads it, before any later syntax error
     */
    ExpressionParser(String text, Predicate<String> isTypeName, Predicate<String> isSymbol) {
        this.text = text;
        this.isTypeName = isTypeName;
        this.isSymbol = isSymbol;
    }

    Expr parse() throws ExpressionException {
        lex();
        if (peek().kind.equals("end")) throw syntax(peek());
        Expr e = expression();
        if (!peek().kind.equals("end")) throw syntax(peek());
        return e;
    }

    // ------------------------------------------------------------------ lexer

    private void lex() throws ExpressionException {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
                int start = i;
                if (c == '0' && i + 1 < text.length() && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')) {
                    i += 2;
                    while (i < text.length() && Character.isLetterOrDigit(text.charAt(i))) i++;
                } else {
                    while (i < text.length()) {
                        char d = text.charAt(i);
                        if (Character.isLetterOrDigit(d) || d == '.' || ((d == '+' || d == '-') && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E'))) i++;
                        else break;
                    }
                }
                tokens.add(new Token("number", text.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                int start = i++;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
                tokens.add(new Token(c == '$' ? "register" : "name", text.substring(start, i), start));
            } else if (c == '\'' || c == '"') {
                int start = i++;
                StringBuilder raw = new StringBuilder();
                while (i < text.length() && text.charAt(i) != c) {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) raw.append(text.charAt(i++));
                    raw.append(text.charAt(i++));
                }
                if (i >= text.length()) throw new ExpressionException(c == '"' ? "Unterminated string in expression." : "Unmatched single quote.", start);
                i++;
                tokens.add(new Token(c == '"' ? "string" : "char", raw.toString(), start));
            } else {
                String p = null;
                for (String cand : PUNCTUATION) {
                    if (text.startsWith(cand, i)) {
                        p = cand;
                        break;
                    }
                }
                if (p == null) throw new ExpressionException("Invalid character '" + c + "' in expression.", i);
                tokens.add(new Token("punct", p, i));
                i += p.length();
            }
        }
        tokens.add(new Token("end", "", text.length()));
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private boolean is(String punct) {
        Token t = peek();
        return t.kind.equals("punct") && t.text.equals(punct);
    }

    private boolean accept(String punct) {
        if (is(punct)) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(String punct) throws ExpressionException {
        if (!accept(punct)) throw syntax(peek());
    }

    private ExpressionException syntax(Token t) {
        return new ExpressionException("A syntax error in expression, near `" + text.substring(Math.min(t.pos, text.length())) + "'.", t.pos);
    }

    // ------------------------------------------------------------------ grammar

    private Expr expression() throws ExpressionException {
        Expr c = binary(0);
        if (is("?")) {
            int pos = peek().pos;
            at++;
            Expr then = expression();
            expect(":");
            Expr otherwise = expression();
            return new Expr.Conditional(pos, c, then, otherwise);
        }
        if (is("=")) throw new ExpressionException("Assignments are not supported: the recording cannot be changed.", peek().pos);
        return c;
    }

    private static final List<List<String>> LEVELS = List.of(List.of("||"), List.of("&&"), List.of("|"), List.of("^"), List.of("&"),
            List.of("==", "!="), List.of("<", "<=", ">", ">="), List.of("<<", ">>"), List.of("@"), List.of("+", "-"),
            List.of("*", "/", "%"));

    private Expr binary(int level) throws ExpressionException {
        if (level == LEVELS.size()) return unary();
        Expr left = binary(level + 1);
        while (true) {
            Token t = peek();
            if (!t.kind.equals("punct") || !LEVELS.get(level).contains(t.text)) return left;
            at++;
            Expr right = binary(level + 1);
            left = new Expr.Binary(t.pos, t.text, left, right);
        }
    }

    private Expr unary() throws ExpressionException {
        Token t = peek();
        if (t.kind.equals("punct") && Set.of("-", "+", "!", "~", "*", "&").contains(t.text)) {
            at++;
            return new Expr.Unary(t.pos, t.text, unary());
        }
        if (t.kind.equals("name") && t.text.equals("sizeof")) {
            at++;
            if (is("(") && startsType(1)) {
                at++;
                Expr.TypeName type = typeName();
                expect(")");
                return new Expr.SizeofType(t.pos, type);
            }
            return new Expr.SizeofExpr(t.pos, unary());
        }
        if (is("(") && startsType(1)) {
            at++;
            Expr.TypeName type = typeName();
            expect(")");
            return new Expr.Cast(t.pos, type, unary());
        }
        return postfix(primary());
    }

    /** Whether the token {@code ahead} starts a type name. */
    private boolean startsType(int ahead) {
        Token t = peek(ahead);
        if (!t.kind.equals("name")) return false;
        if (BASE_WORDS.contains(t.text) || Set.of("struct", "union", "enum", "class", "const", "volatile").contains(t.text)) return true;
        StringBuilder q = new StringBuilder(t.text);
        int k = ahead + 1;
        while (peek(k).kind.equals("punct") && peek(k).text.equals("::") && peek(k + 1).kind.equals("name")) {
            q.append("::").append(peek(k + 1).text);
            k += 2;
        }
        // a type name in parentheses is followed by ')' or '*'
        Token after = peek(k);
        return after.kind.equals("punct") && (after.text.equals(")") || after.text.equals("*")) && isTypeName.test(q.toString());
    }

    private Expr.TypeName typeName() throws ExpressionException {
        boolean isConst = false;
        String keyword = "";
        List<String> words = new ArrayList<>();
        String base = null;
        while (peek().kind.equals("name")) {
            String w = peek().text;
            if (w.equals("const") || w.equals("volatile")) {
                isConst |= w.equals("const");
                at++;
            } else if (Set.of("struct", "union", "enum", "class").contains(w)) {
                keyword = w.equals("class") ? "struct" : w;
                at++;
                base = qualifiedName();
            } else if (BASE_WORDS.contains(w) && base == null) {
                words.add(w);
                at++;
            } else if (words.isEmpty() && base == null) {
                base = qualifiedName();
            } else {
                break;
            }
        }
        boolean isBase = base == null;
        if (isBase) {
            if (words.isEmpty()) throw syntax(peek());
            base = canonicalBase(words);
        }
        int pointers = 0;
        while (true) {
            if (accept("*")) pointers++;
            else if (peek().kind.equals("name") && (peek().text.equals("const") || peek().text.equals("volatile"))) at++;
            else break;
        }
        List<Long> dims = new ArrayList<>();
        while (accept("[")) {
            Token n = peek();
            if (!n.kind.equals("number")) throw syntax(n);
            at++;
            dims.add(Long.decode(n.text));
            expect("]");
        }
        return new Expr.TypeName(keyword, base, isBase, isConst, pointers, dims);
    }

    private String qualifiedName() throws ExpressionException {
        Token t = peek();
        if (!t.kind.equals("name")) throw syntax(t);
        at++;
        StringBuilder q = new StringBuilder(t.text);
        while (is("::") && peek(1).kind.equals("name")) {
            at++;
            q.append("::").append(peek().text);
            at++;
        }
        return q.toString();
    }

    /** "unsigned" "long" "int" -> "unsigned long", as gdb names the C base types. */
    static String canonicalBase(List<String> words) {
        boolean unsigned = words.contains("unsigned"), signed = words.contains("signed");
        long longs = words.stream().filter("long"::equals).count();
        if (words.contains("char")) return unsigned ? "unsigned char" : signed ? "signed char" : "char";
        if (words.contains("short")) return unsigned ? "unsigned short" : "short";
        if (words.contains("double")) return longs > 0 ? "long double" : "double";
        if (words.contains("float")) return "float";
        if (words.contains("void")) return "void";
        if (words.contains("_Bool")) return "_Bool";
        if (words.contains("bool")) return "bool";
        if (words.contains("__int128")) return unsigned ? "unsigned __int128" : "__int128";
        if (longs >= 2) return unsigned ? "unsigned long long" : "long long";
        if (longs == 1) return unsigned ? "unsigned long" : "long";
        return unsigned ? "unsigned int" : "int";
    }

    private Expr postfix(Expr e) throws ExpressionException {
        while (true) {
            Token t = peek();
            if (accept(".") || accept("->")) {
                Token name = peek();
                if (!name.kind.equals("name")) throw syntax(name);
                at++;
                String member = name.text;
                if (member.startsWith("_vptr") && is(".") && peek(1).kind.equals("name")) { // gcc's "_vptr.Shape"
                    member += "." + peek(1).text;
                    at += 2;
                }
                e = new Expr.Member(t.pos, e, member, t.text.equals("->"));
            } else if (accept("[")) {
                Expr index = expression();
                expect("]");
                e = new Expr.Index(t.pos, e, index);
            } else {
                return e;
            }
        }
    }

    private Expr primary() throws ExpressionException {
        Token t = peek();
        switch (t.kind) {
            case "number" -> {
                at++;
                return number(t);
            }
            case "char" -> {
                at++;
                byte[] b = unescape(t.text, t.pos);
                if (b.length != 1) throw new ExpressionException("Invalid character constant.", t.pos);
                return new Expr.CharLiteral(t.pos, b[0]);
            }
            case "string" -> {
                at++;
                java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                all.writeBytes(unescape(t.text, t.pos));
                while (peek().kind.equals("string")) all.writeBytes(unescape(tokens.get(at++).text, t.pos));
                return new Expr.StringLiteral(t.pos, all.toByteArray());
            }
            case "register" -> {
                at++;
                return new Expr.Register(t.pos, t.text.substring(1));
            }
            case "name" -> {
                String name = qualifiedName();
                if (isSymbol != null && !name.contains("::") && !isSymbol.test(name)) {
                    throw new ExpressionException("No symbol \"" + name + "\" in current context.", t.pos);
                }
                return new Expr.Name(t.pos, name);
            }
            default -> {
                if (is("::") && peek(1).kind.equals("name")) {
                    at++;
                    return new Expr.Name(t.pos, qualifiedName());
                }
                if (accept("(")) {
                    Expr e = expression();
                    expect(")");
                    return e;
                }
                throw syntax(t);
            }
        }
    }

    private Expr number(Token t) throws ExpressionException {
        String s = t.text.toLowerCase();
        boolean hex = s.startsWith("0x");
        if (!hex && (s.contains(".") || s.contains("e") || s.endsWith("f") && !hex)) {
            String kind = "double";
            String body = s;
            if (body.endsWith("f")) {
                kind = "float";
                body = body.substring(0, body.length() - 1);
            } else if (body.endsWith("l")) {
                kind = "long double";
                body = body.substring(0, body.length() - 1);
            }
            try {
                return new Expr.FloatLiteral(t.pos, Double.parseDouble(body), kind);
            } catch (NumberFormatException e) {
                throw new ExpressionException("Invalid number \"" + t.text + "\".", t.pos);
            }
        }
        int end = s.length();
        boolean unsigned = false;
        int longs = 0;
        while (end > 0 && (s.charAt(end - 1) == 'u' || s.charAt(end - 1) == 'l')) {
            if (s.charAt(end - 1) == 'u') unsigned = true;
            else longs++;
            end--;
        }
        String digits = s.substring(0, end);
        try {
            BigInteger v;
            if (hex) v = new BigInteger(digits.substring(2), 16);
            else if (digits.startsWith("0b")) v = new BigInteger(digits.substring(2), 2);
            else if (digits.length() > 1 && digits.startsWith("0")) v = new BigInteger(digits.substring(1), 8);
            else v = new BigInteger(digits);
            if (v.bitLength() > 64) throw new ExpressionException("Numeric constant too large.", t.pos);
            return new Expr.IntLiteral(t.pos, v, unsigned, longs, !hex);
        } catch (NumberFormatException e) {
            throw new ExpressionException("Invalid number \"" + t.text + "\".", t.pos);
        }
    }

    /** C escapes in a character or string literal's text, as UTF-8 bytes. */
    static byte[] unescape(String raw, int pos) throws ExpressionException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                continue;
            }
            if (++i >= raw.length()) throw new ExpressionException("Invalid escape.", pos);
            char e = raw.charAt(i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'v' -> out.write(11);
                case 'e' -> out.write(27);
                case 'x' -> {
                    int v = 0, n = 0;
                    while (i + 1 < raw.length() && Character.digit(raw.charAt(i + 1), 16) >= 0) {
                        v = v * 16 + Character.digit(raw.charAt(++i), 16);
                        n++;
                    }
                    if (n == 0) throw new ExpressionException("\\x escape without a following hex digit", pos);
                    out.write(v);
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0', n = 1;
                        while (n < 3 && i + 1 < raw.length() && raw.charAt(i + 1) >= '0' && raw.charAt(i + 1) <= '7') {
                            v = v * 8 + (raw.charAt(++i) - '0');
                            n++;
                        }
                        out.write(v);
                    } else {
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }
}
