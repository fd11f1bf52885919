# Doxygen input filter: turns goflow's plain // comments into documentation comments, so the
# public headers need no Doxygen-only markup.
#   - The comment block that opens a header becomes that file's documentation (\file).
#   - A comment on lines of its own documents the declaration that follows it.
#   - A comment after a member or enumerator ("int x;  // text") documents that member.
# An @ before a word in prose (cron's @daily) is escaped, because Doxygen reads @word as a
# command; code spans and indented code blocks are left as they are. Line numbers stay the
# same, so Doxygen's warnings point at the real header lines.

# Returns `text` with each @ that starts a word outside `code spans` written as \@.
function escape_at(text,    out, i, c, in_code) {
    if (text ~ /^     /) {
        return text  # an indented code block
    }
    out = ""
    in_code = 0
    for (i = 1; i <= length(text); i++) {
        c = substr(text, i, 1)
        if (c == "`") {
            in_code = !in_code
        } else if (c == "@" && !in_code && substr(text, i + 1, 1) ~ /[A-Za-z]/) {
            c = "\\@"
        }
        out = out c
    }
    return out
}

BEGIN { in_header = 1; first = 1 }
{
    if (in_header && $0 ~ /^\/\//) {
        text = escape_at(substr($0, 3))
        if (first) {
            # \file takes the file's name; the rest of the line stays its brief description.
            name = FILENAME
            sub(/.*\//, "", name)
            print "//! \\file " name text
            first = 0
        } else {
            print "//!" text
        }
        next
    }
    in_header = 0
    line = $0
    if (match(line, /^[ \t]*\/\/( |$)/)) {
        indent = substr(line, 1, RLENGTH)
        sub(/\/\//, "///", indent)
        line = indent escape_at(substr(line, RLENGTH + 1))
    } else if (match(line, /[;,][ \t]+\/\/ /)) {
        line = substr(line, 1, RSTART) " ///< " escape_at(substr(line, RSTART + RLENGTH))
    }
    print line
}
