"""Reading a QR code back from the inline SVG that visions.workshops.joining draws."""

import re

import segno


def modules_of_svg(svg):
    """The dark modules of a segno SVG path, as a set of (row, column), border removed.

    segno draws each row's dark runs as horizontal lines: "M{x} {y}h{n}m{dx} {dy}h{n}...",
    the line of row r at y = border + r + 0.5.
    """
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    x = y = 0.0
    dark = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            length = int(float(a))
            for column in range(int(x), int(x) + length):
                dark.add((int(y - 0.5), column))
            x += length
    border = min(column for _row, column in dark)  # the finder pattern's corner sits at the border
    return {(row - border, column - border) for row, column in dark}


def modules_of(text, error="m"):
    """The dark modules of a fresh encode of `text`."""
    matrix = segno.make(text, error=error, micro=False).matrix
    return {(r, c) for r, row in enumerate(matrix) for c, value in enumerate(row) if value}


def encodes(svg, text):
    return modules_of_svg(svg) == modules_of(text)
