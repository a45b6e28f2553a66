#!/bin/sh
# Regenerate the hash lists of this folder with the real tools (Debian: coreutils, hashdeep).
# The listed files are benign and made here: short text, an empty file, and names that make
# the tools escape or split them (a space, a backslash, a newline, a comma).
set -eu
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir files
printf 'hello\n' > files/plain.txt
printf 'two words\n' > 'files/with space.txt'
printf 'back\n' > 'files/back\slash.txt'
printf 'nl\n' > "files/new
line.txt"
printf 'comma\n' > 'files/a,b.txt'
: > files/empty.bin
export LC_ALL=C
md5sum files/* > "$out/md5sum.txt"
sha1sum files/* > "$out/sha1sum.txt"
sha256sum files/* > "$out/sha256sum.txt"
sha256sum -b files/* > "$out/sha256sum-binary.txt"
md5sum --tag files/* > "$out/md5sum-tag.txt"
sha256sum --tag files/* > "$out/sha256sum-tag.txt"
md5deep -l files/* > "$out/md5deep.txt"
md5deep -l -z files/* > "$out/md5deep-z.txt"
md5deep -l -c files/* > "$out/md5deep-c.txt"
md5deep -l -k files/* > "$out/md5deep-k.txt"
sha256deep -l files/* > "$out/sha256deep.txt"
hashdeep -l files/* | sed 's|^## Invoked from: .*|## Invoked from: /work|' > "$out/hashdeep.txt"
hashdeep -c md5,sha1,sha256,tiger,whirlpool -l files/* \
    | sed 's|^## Invoked from: .*|## Invoked from: /work|' > "$out/hashdeep-all.txt"
{
    echo "# Known files of a case, with comments and one broken line"
    echo "## exported by hand"
    echo
    md5sum files/plain.txt
    echo "this line is not a hash list row"
    sha1sum files/empty.bin
    echo "0123456789abcdef  too-short"
    sha256sum 'files/with space.txt'
} > "$out/commented.txt"
