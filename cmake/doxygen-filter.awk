# Doxygen input filter: turns goflow's plain // comments into documentation comments, so the
# public headers need no Doxygen-only markup.
#   - The comment block that opens a header becomes that file's documentation (\file).
#   - A comment on lines of its own documents the declaration that follows it.
#   - A comment after a member or enumerator ("int x;  // text") documents that member.
# Line numbers stay the same, so Doxygen's warnings point at the real header lines.
BEGIN { in_header = 1; first = 1 }
{
    if (in_header && $0 ~ /^\/\//) {
        text = substr($0, 3)
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
    if (line ~ /^[ \t]*\/\/ / || line ~ /^[ \t]*\/\/$/) {
        sub(/\/\//, "///", line)
    } else if (line ~ /[;,][ \t]+\/\/ /) {
        sub(/[ \t]+\/\/ /, " ///< ", line)
    }
    print line
}
