"""Issue 12, item 3: the importer's time grows linearly with a line's whitespace.

Copied text can hold a line of tens of thousands of spaces (a form's blank
fill, a PDF's justified gap). Regexes whose whitespace runs can trade
characters (``\\s*x?\\s*``, a lazy ``^(.*?)\\s*…$``) took 17-24 s on 40,000
full-width spaces, against 0.5 s on 10,000. Each case imports a line with a
run of 40,000 spaces around the text a rule looks for, and, as its peer in
the same run, the same line with the run made of letters: linear rules take
about as long on both; quadratic ones take hundreds of times longer on the
spaces. No absolute timing, and no ratio of two sizes: on this shared
machine a few milliseconds of load swing such ratios by 2-4x.
"""

from __future__ import annotations

import gc
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
    "between words": ("正文", "继续。"),
    "label": ("报", "：市委"),
    "signer": ("签发", "人：张三"),
    "sponsor": ("主办", "：长沙市生态环境局"),
    "marking": ("（内部资料", "）"),
    "secrecy": ("秘密", "★1年"),
    "weekday": ("2024年6月3日（", "星期一）"),
    "doc number": ("长督〔2024〕", "3号"),
}


def _seconds(*texts: str) -> list[float]:
    """The best of three runs of each, interleaved, so a burst of load on the machine hits all."""
    best = [float("inf")] * len(texts)
    gc.disable()
    try:
        for _ in range(3):
            for k, text in enumerate(texts):
                start = time.perf_counter()
                convert(text, city="益阳市")
                best[k] = min(best[k], time.perf_counter() - start)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("space", [" ", "\u3000"], ids=["ascii", "full-width"])
@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_a_long_whitespace_run_takes_linear_time(context: str, space: str):
    before, after = CONTEXTS[context]

    def text(run: str) -> str:
        return HEAD + "正文第一段。\n" + before + run + after + "\n正文第二段。\n"

    spaces, letters = _seconds(text(space * 40_000), text("x" * 40_000))
    # Linear: about 1x. Quadratic: 17 s against 0.06 s. The bound sits far from both.
    assert spaces < 8 * max(letters, 2e-3), f"{context}: {spaces:.4f}s on spaces, {letters:.4f}s on letters"
