#!/usr/bin/env bash
# Rebuilds src/chart/fonts/NotoSansCJKsc-Regular-subset.otf, the one font the charts embed.
#
# Source: Noto Sans CJK SC Regular (Debian package fonts-noto-cjk, upstream googlefonts/noto-cjk,
# SIL Open Font License 1.1, see OFL.txt beside the font). It has Latin, Cyrillic and CJK glyphs
# in one face, which matters because plotters' ab_glyph backend draws a text with one font and
# has no fallback. The subset keeps Latin, Latin-1 and Latin Extended-A, Cyrillic, punctuation,
# arrows, math signs, geometric shapes, CJK punctuation, full-width forms and the 6,763 hanzi of
# GB 2312 (both levels), which cover the zh-CN texts and almost every Chinese service name; hints
# and OpenType layout tables are dropped (ab_glyph rasterizes outlines without either).
#
# Needs: apt-get install fonts-noto-cjk; pip install fonttools.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
out=src/chart/fonts/NotoSansCJKsc-Regular-subset.otf
hanzi=$(mktemp)
trap 'rm -f "$hanzi"' EXIT
python3 - "$hanzi" <<'PY'
import sys
chars = []
for hi in range(0xB0, 0xF8):          # GB 2312 rows 16-87: the hanzi
    for lo in range(0xA1, 0xFF):
        try:
            chars.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(chars))
PY
# Font number 2 of the collection is Noto Sans CJK SC.
pyftsubset "$src" --font-number=2 \
  --unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0400-04FF,U+2000-206F,U+2190-21FF,U+2212,U+2248,U+2264,U+2265,U+25A0-25FF,U+3000-303F,U+FF00-FFEF" \
  --text-file="$hanzi" --no-hinting --desubroutinize --layout-features='' \
  --output-file="$out"
ls -l "$out"
