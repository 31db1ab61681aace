"""Issue 12, item 3: the importer's time grows linearly with a line's whitespace.

Copied text can hold a line of tens of thousands of spaces (a form's blank
fill, a PDF's justified gap). Regexes whose whitespace runs can trade
characters (``\\s*x?\\s*``, a lazy ``^(.*?)\\s*…$``) took 24 s on 40,000
full-width spaces. Each case imports a line with n and 4n spaces around the
text each rule looks for; linear time gives a ratio near 4, quadratic near
16. No absolute timing: the machine is shared and noisy.
"""

from __future__ import annotations

import time

import pytest

from briefsite.editor.importing.importer import convert

HEAD = "益阳市配合中央生态环境保护督察工作简报\n第 1 期\n益阳市协调联络专班\n2024年5月10日\n\n"
# What comes before and after the run: each is the start of something a rule reads.
CONTEXTS = {
    "total issue": ("总", "x"),
    "bracketed total": ("（", "总第3期"),
    "printed line": ("办公室 2024年5月10日", "印发"),
    "printed word": ("印", "x"),
    "page number": ("第1页", "x"),
    "guide": ("【", "导读】"),
    "plain": ("", "x"),
    "label": ("报", "：市委"),
    "signer": ("签发", "人：张三"),
    "sponsor": ("主办", "：长沙市生态环境局"),
    "marking": ("（内部资料", "）"),
    "secrecy": ("秘密", "★1年"),
    "weekday": ("2024年6月3日（", "星期一）"),
    "doc number": ("长督〔2024〕", "3号"),
}


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        convert(text, city="益阳市")
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("space", [" ", "\u3000"], ids=["ascii", "full-width"])
@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_a_long_whitespace_run_takes_linear_time(context: str, space: str):
    before, after = CONTEXTS[context]

    def text(n: int) -> str:
        return HEAD + "正文第一段。\n" + before + space * n + after + "\n正文第二段。\n"

    small, large = _seconds(text(10_000)), _seconds(text(40_000))
    # Quadratic is ~16x; allow noise well above linear's ~4x.
    assert large < 9 * max(small, 1e-3), f"{context}: {small:.4f}s for 10k, {large:.4f}s for 40k"
