// SPDX-License-Identifier: Apache-2.0
#include "search/pythonregex.h"

#include <QChar>

#include <limits>

namespace runlens {

namespace {

constexpr int kInfinite = std::numeric_limits<int>::max();
// Bounds the unrolled program: a{100000} is valid Python but not worth a huge automaton here.
constexpr std::size_t kMaxProgram = 20000;

enum Category : unsigned
{
    Digit = 1u << 0,
    NotDigit = 1u << 1,
    Word = 1u << 2,
    NotWord = 1u << 3,
    Space = 1u << 4,
    NotSpace = 1u << 5,
};

enum AssertKind : char32_t
{
    AtBeginning = 'A', // ^ and \A (no MULTILINE)
    AtDollar = '$', // end, or before a final newline
    AtEnd = 'Z',
    AtBoundary = 'b',
    AtNonBoundary = 'B',
};

bool isPyDigit(char32_t c)
{
    return QChar::category(c) == QChar::Number_DecimalDigit;
}

bool isPyWord(char32_t c)
{
    return c == U'_' || QChar::isLetterOrNumber(c);
}

bool isPySpace(char32_t c)
{
    // str.isspace(): Qt's notion plus the ASCII information separators Python also counts.
    return QChar::isSpace(c) || (c >= 0x1c && c <= 0x1f);
}

char32_t lower(char32_t c)
{
    return QChar::toLower(c);
}

char32_t upper(char32_t c)
{
    return QChar::toUpper(c);
}

struct Invalid
{
};

struct Node
{
    enum Type
    {
        Empty,
        Char,
        Any,
        Class,
        Assert,
        Concat,
        Alt,
        Repeat
    } type
        = Empty;
    char32_t ch = 0;
    int cls = 0;
    int min = 0;
    int max = 0;
    std::vector<Node> kids;
};

int hexValue(char32_t c)
{
    if (c >= '0' && c <= '9')
        return static_cast<int>(c - '0');
    if (c >= 'a' && c <= 'f')
        return static_cast<int>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return static_cast<int>(c - 'A' + 10);
    return -1;
}

bool isOctal(char32_t c)
{
    return c >= '0' && c <= '7';
}

bool isAsciiLetter(char32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isAsciiDigit(char32_t c)
{
    return c >= '0' && c <= '9';
}

// Recursive descent over Python's regex syntax (sre_parse), throwing Invalid for what Python rejects
// and for what this engine leaves out; the caller then falls back to plain LIKE semantics.
class Parser
{
public:
    Parser(std::u32string_view p, std::vector<PythonRegex::CharClass>& classes)
        : m_p(p)
        , m_classes(classes)
    { }

    Node parse()
    {
        Node n = parseAlternation();
        if (m_pos != m_p.size())
            throw Invalid {}; // an unbalanced ')'
        return n;
    }

private:
    bool atEnd() const { return m_pos >= m_p.size(); }
    char32_t peek(std::size_t ahead = 0) const { return m_pos + ahead < m_p.size() ? m_p[m_pos + ahead] : 0; }
    char32_t next()
    {
        if (atEnd())
            throw Invalid {};
        return m_p[m_pos++];
    }

    Node parseAlternation()
    {
        if (++m_depth > 200)
            throw Invalid {};
        Node alt;
        alt.type = Node::Alt;
        alt.kids.push_back(parseConcat());
        while (!atEnd() && peek() == U'|') {
            ++m_pos;
            alt.kids.push_back(parseConcat());
        }
        --m_depth;
        if (alt.kids.size() == 1)
            return std::move(alt.kids.front());
        return alt;
    }

    // Tries to read {m}, {m,}, {,n}, {m,n} (also {} and {,}, which Python reads as *); false leaves
    // the position alone and '{' is then a literal.
    bool parseBraces(int& min, int& max)
    {
        std::size_t i = m_pos + 1;
        auto digits = [&](std::string& out) {
            while (i < m_p.size() && isAsciiDigit(m_p[i]))
                out += static_cast<char>(m_p[i++]);
        };
        std::string lo;
        std::string hi;
        digits(lo);
        if (i < m_p.size() && m_p[i] == U',') {
            ++i;
            digits(hi);
        } else {
            hi = lo;
        }
        if (i >= m_p.size() || m_p[i] != U'}')
            return false;
        auto toInt = [](const std::string& s) {
            if (s.size() > 9)
                throw Invalid {};
            return std::stoi(s);
        };
        min = lo.empty() ? 0 : toInt(lo);
        max = hi.empty() ? kInfinite : toInt(hi);
        if (max < min)
            throw Invalid {};
        m_pos = i + 1;
        return true;
    }

    Node parseConcat()
    {
        Node cat;
        cat.type = Node::Concat;
        bool lastIsRepeat = false;
        while (!atEnd() && peek() != U'|' && peek() != U')') {
            const char32_t c = peek();
            int min = 0;
            int max = 0;
            bool quantifier = true;
            if (c == U'*') {
                max = kInfinite;
                ++m_pos;
            } else if (c == U'+') {
                min = 1;
                max = kInfinite;
                ++m_pos;
            } else if (c == U'?') {
                max = 1;
                ++m_pos;
            } else if (c == U'{' && parseBraces(min, max)) {
            } else {
                quantifier = false;
            }
            if (quantifier) {
                // Python: "nothing to repeat" / "multiple repeat".
                if (cat.kids.empty() || cat.kids.back().type == Node::Assert || lastIsRepeat)
                    throw Invalid {};
                if (!atEnd() && peek() == U'?')
                    ++m_pos; // lazy: same set of matches
                else if (!atEnd() && peek() == U'+')
                    throw Invalid {}; // possessive (3.11+): not implemented
                Node rep;
                rep.type = Node::Repeat;
                rep.min = min;
                rep.max = max;
                rep.kids.push_back(std::move(cat.kids.back()));
                cat.kids.back() = std::move(rep);
                lastIsRepeat = true;
                continue;
            }
            lastIsRepeat = false;
            Node atom = parseAtom();
            if (atom.type != Node::Empty) // a (?#comment) is no item
                cat.kids.push_back(std::move(atom));
        }
        if (cat.kids.size() == 1)
            return std::move(cat.kids.front());
        return cat;
    }

    Node charNode(char32_t c)
    {
        Node n;
        n.type = Node::Char;
        n.ch = c;
        return n;
    }

    Node assertNode(char32_t kind)
    {
        Node n;
        n.type = Node::Assert;
        n.ch = kind;
        return n;
    }

    Node classNode(PythonRegex::CharClass cls)
    {
        Node n;
        n.type = Node::Class;
        n.cls = static_cast<int>(m_classes.size());
        m_classes.push_back(std::move(cls));
        return n;
    }

    Node parseAtom()
    {
        const char32_t c = next();
        switch (c) {
        case U'.': {
            Node n;
            n.type = Node::Any;
            return n;
        }
        case U'^':
            return assertNode(AtBeginning);
        case U'$':
            return assertNode(AtDollar);
        case U'[':
            return parseClass();
        case U'(':
            return parseGroup();
        case U'\\':
            return parseEscape();
        default:
            return charNode(c);
        }
    }

    Node parseGroup()
    {
        if (!atEnd() && peek() == U'?') {
            ++m_pos;
            const char32_t k = next();
            if (k == U'#') {
                while (next() != U')') { }
                Node empty;
                return empty;
            }
            if (k == U'P' && !atEnd() && peek() == U'<') {
                ++m_pos;
                std::size_t count = 0;
                for (char32_t d = next(); d != U'>'; d = next()) {
                    if (!(isPyWord(d)) || (count == 0 && isAsciiDigit(d)))
                        throw Invalid {};
                    ++count;
                }
                if (count == 0)
                    throw Invalid {};
            } else if (k != U':') {
                throw Invalid {}; // lookaround, backreference by name, inline flags, atomic, conditional
            }
        }
        Node inner = parseAlternation();
        if (atEnd() || peek() != U')')
            throw Invalid {}; // missing ), unterminated subpattern
        ++m_pos;
        Node group;
        group.type = Node::Concat;
        group.kids.push_back(std::move(inner));
        return group;
    }

    char32_t parseHex(int digits)
    {
        char32_t v = 0;
        for (int i = 0; i < digits; ++i) {
            const int h = hexValue(next());
            if (h < 0)
                throw Invalid {};
            v = v * 16 + static_cast<char32_t>(h);
        }
        if (v > 0x10FFFF)
            throw Invalid {};
        return v;
    }

    // Escapes that mean one character, shared by classes and the rest; 0 = not one of them.
    bool simpleEscape(char32_t e, char32_t& out)
    {
        switch (e) {
        case U'n':
            out = U'\n';
            return true;
        case U't':
            out = U'\t';
            return true;
        case U'r':
            out = U'\r';
            return true;
        case U'f':
            out = U'\f';
            return true;
        case U'v':
            out = U'\v';
            return true;
        case U'a':
            out = 7;
            return true;
        case U'x':
            out = parseHex(2);
            return true;
        case U'u':
            out = parseHex(4);
            return true;
        case U'U':
            out = parseHex(8);
            return true;
        default:
            return false;
        }
    }

    static unsigned categoryOf(char32_t e)
    {
        switch (e) {
        case U'd':
            return Digit;
        case U'D':
            return NotDigit;
        case U'w':
            return Word;
        case U'W':
            return NotWord;
        case U's':
            return Space;
        case U'S':
            return NotSpace;
        default:
            return 0;
        }
    }

    char32_t parseOctal(char32_t first, int maxMore)
    {
        char32_t v = first - U'0';
        for (int i = 0; i < maxMore && !atEnd() && isOctal(peek()); ++i)
            v = v * 8 + (next() - U'0');
        if (v > 0377)
            throw Invalid {};
        return v;
    }

    Node parseEscape()
    {
        const char32_t e = next();
        char32_t ch = 0;
        if (simpleEscape(e, ch))
            return charNode(ch);
        if (const unsigned cat = categoryOf(e)) {
            PythonRegex::CharClass cls;
            cls.categories = cat;
            return classNode(std::move(cls));
        }
        switch (e) {
        case U'A':
            return assertNode(AtBeginning);
        case U'Z':
            return assertNode(AtEnd);
        case U'b':
            return assertNode(AtBoundary);
        case U'B':
            return assertNode(AtNonBoundary);
        case U'0':
            return charNode(parseOctal(e, 2));
        default:
            break;
        }
        if (isAsciiDigit(e)) {
            // Three octal digits make a character; anything else is a group reference.
            if (isOctal(e) && isOctal(peek()) && isOctal(peek(1)))
                return charNode(parseOctal(e, 2));
            throw Invalid {};
        }
        if (isAsciiLetter(e))
            throw Invalid {}; // "bad escape" (and \N{...}, which is left out)
        return charNode(e);
    }

    // One member of a class: a character (returns true) or a category (adds it, returns false).
    bool parseClassItem(PythonRegex::CharClass& cls, char32_t& out)
    {
        const char32_t c = next();
        if (c != U'\\') {
            out = c;
            return true;
        }
        const char32_t e = next();
        if (simpleEscape(e, out))
            return true;
        if (const unsigned cat = categoryOf(e)) {
            cls.categories |= cat;
            return false;
        }
        if (e == U'b') {
            out = 8;
            return true;
        }
        if (isOctal(e)) {
            out = parseOctal(e, 2);
            return true;
        }
        if (isAsciiDigit(e) || isAsciiLetter(e))
            throw Invalid {};
        out = e;
        return true;
    }

    Node parseClass()
    {
        PythonRegex::CharClass cls;
        if (!atEnd() && peek() == U'^') {
            cls.negated = true;
            ++m_pos;
        }
        bool first = true;
        while (true) {
            if (atEnd())
                throw Invalid {}; // unterminated character set
            if (peek() == U']' && !first) {
                ++m_pos;
                break;
            }
            first = false;
            char32_t lo = 0;
            if (!parseClassItem(cls, lo))
                continue;
            if (peek() == U'-' && m_pos + 1 < m_p.size() && m_p[m_pos + 1] != U']') {
                ++m_pos;
                char32_t hi = 0;
                if (!parseClassItem(cls, hi) || hi < lo)
                    throw Invalid {}; // bad character range
                cls.ranges.emplace_back(lo, hi);
            } else {
                cls.ranges.emplace_back(lo, lo);
            }
        }
        return classNode(std::move(cls));
    }

    std::u32string_view m_p;
    std::size_t m_pos = 0;
    int m_depth = 0;
    std::vector<PythonRegex::CharClass>& m_classes;
};

class Compiler
{
public:
    Compiler(std::vector<PythonRegex::Instruction>& program, bool ignoreCase)
        : m_program(program)
        , m_ignoreCase(ignoreCase)
    { }

    void generate(const Node& n)
    {
        if (m_program.size() > kMaxProgram)
            throw Invalid {};
        using I = PythonRegex::Instruction;
        switch (n.type) {
        case Node::Empty:
            return;
        case Node::Char:
            add({I::Char, m_ignoreCase ? lower(n.ch) : n.ch, 0, 0});
            return;
        case Node::Any:
            add({I::Any, 0, 0, 0});
            return;
        case Node::Class:
            add({I::Class, 0, n.cls, 0});
            return;
        case Node::Assert:
            add({I::Assert, n.ch, 0, 0});
            return;
        case Node::Concat:
            for (const Node& k : n.kids)
                generate(k);
            return;
        case Node::Alt: {
            std::vector<int> jumps;
            for (std::size_t i = 0; i + 1 < n.kids.size(); ++i) {
                const int split = add({I::Split, 0, 0, 0});
                m_program[split].x = split + 1;
                generate(n.kids[i]);
                jumps.push_back(add({I::Jump, 0, 0, 0}));
                m_program[split].y = here();
            }
            generate(n.kids.back());
            for (int j : jumps)
                m_program[j].x = here();
            return;
        }
        case Node::Repeat: {
            const Node& k = n.kids.front();
            if (n.min > 1000 || (n.max != kInfinite && n.max > 1000))
                throw Invalid {};
            for (int i = 0; i < n.min; ++i)
                generate(k);
            if (n.max == kInfinite) {
                const int split = add({I::Split, 0, 0, 0});
                m_program[split].x = split + 1;
                generate(k);
                add({I::Jump, 0, split, 0});
                m_program[split].y = here();
                return;
            }
            std::vector<int> splits;
            for (int i = n.min; i < n.max; ++i) {
                const int split = add({I::Split, 0, 0, 0});
                m_program[split].x = split + 1;
                splits.push_back(split);
                generate(k);
                if (m_program.size() > kMaxProgram)
                    throw Invalid {};
            }
            for (int s : splits)
                m_program[s].y = here();
            return;
        }
        }
    }

    int here() const { return static_cast<int>(m_program.size()); }

private:
    int add(const PythonRegex::Instruction& i)
    {
        m_program.push_back(i);
        return here() - 1;
    }

    std::vector<PythonRegex::Instruction>& m_program;
    bool m_ignoreCase;
};

} // namespace

std::optional<PythonRegex> PythonRegex::compile(std::u32string_view pattern, bool ignoreCase)
{
    PythonRegex re;
    re.m_ignoreCase = ignoreCase;
    try {
        Parser parser(pattern, re.m_classes);
        const Node root = parser.parse();
        Compiler compiler(re.m_program, ignoreCase);
        compiler.generate(root);
        re.m_program.push_back({Instruction::Match, 0, 0, 0});
    } catch (const Invalid&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return re;
}

bool PythonRegex::classContains(const CharClass& cls, char32_t c) const
{
    auto test = [&](char32_t x) {
        for (const auto& [lo, hi] : cls.ranges) {
            if (x >= lo && x <= hi)
                return true;
        }
        const unsigned cat = cls.categories;
        return ((cat & Digit) && isPyDigit(x)) || ((cat & NotDigit) && !isPyDigit(x)) || ((cat & Word) && isPyWord(x))
            || ((cat & NotWord) && !isPyWord(x)) || ((cat & Space) && isPySpace(x))
            || ((cat & NotSpace) && !isPySpace(x));
    };
    bool in = test(c);
    if (!in && m_ignoreCase)
        in = test(lower(c)) || test(upper(c));
    return in != cls.negated;
}

bool PythonRegex::matchesPrefix(std::u32string_view text) const
{
    const std::size_t n = text.size();
    const std::size_t size = m_program.size();
    std::vector<int> current;
    std::vector<int> nextList;
    std::vector<std::size_t> mark(size, 0);
    std::size_t generation = 0;
    std::vector<int> stack;

    auto holds = [&](char32_t kind, std::size_t pos) {
        switch (kind) {
        case AtBeginning:
            return pos == 0;
        case AtDollar:
            return pos == n || (pos + 1 == n && text[pos] == U'\n');
        case AtEnd:
            return pos == n;
        case AtBoundary:
        case AtNonBoundary: {
            const bool before = pos > 0 && isPyWord(text[pos - 1]);
            const bool after = pos < n && isPyWord(text[pos]);
            return (before != after) == (kind == AtBoundary);
        }
        default:
            return false;
        }
    };
    // Follows jumps, splits and assertions from pc; true as soon as Match is reachable.
    auto addThread = [&](std::vector<int>& list, int pc, std::size_t pos) {
        stack.clear();
        stack.push_back(pc);
        while (!stack.empty()) {
            const int at = stack.back();
            stack.pop_back();
            if (mark[at] == generation)
                continue;
            mark[at] = generation;
            const Instruction& in = m_program[at];
            switch (in.op) {
            case Instruction::Jump:
                stack.push_back(in.x);
                break;
            case Instruction::Split:
                stack.push_back(in.y);
                stack.push_back(in.x);
                break;
            case Instruction::Assert:
                if (holds(in.ch, pos))
                    stack.push_back(at + 1);
                break;
            case Instruction::Match:
                return true;
            default:
                list.push_back(at);
                break;
            }
        }
        return false;
    };

    ++generation;
    if (addThread(current, 0, 0))
        return true;
    for (std::size_t pos = 0; pos < n && !current.empty(); ++pos) {
        ++generation;
        nextList.clear();
        const char32_t c = text[pos];
        const char32_t folded = m_ignoreCase ? lower(c) : c;
        for (const int pc : current) {
            const Instruction& in = m_program[pc];
            bool step = false;
            switch (in.op) {
            case Instruction::Char:
                step = folded == in.ch;
                break;
            case Instruction::Any:
                step = c != U'\n';
                break;
            case Instruction::Class:
                step = classContains(m_classes[in.x], c);
                break;
            default:
                break;
            }
            if (step && addThread(nextList, pc + 1, pos + 1))
                return true;
        }
        current.swap(nextList);
    }
    return false;
}

std::u32string decodeUtf8(std::string_view s)
{
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out += b;
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if ((b & 0xe0) == 0xc0) {
            len = 2;
            cp = b & 0x1f;
            min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            len = 3;
            cp = b & 0x0f;
            min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            len = 4;
            cp = b & 0x07;
            min = 0x10000;
        }
        bool ok = len > 0 && i + static_cast<std::size_t>(len) <= s.size();
        for (int k = 1; ok && k < len; ++k) {
            const auto cb = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cb & 0xc0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (cb & 0x3f);
        }
        if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)))
            ok = false;
        if (!ok) {
            out += static_cast<char32_t>(0xDC00 + b);
            ++i;
            continue;
        }
        out += cp;
        i += static_cast<std::size_t>(len);
    }
    return out;
}

} // namespace runlens
