"""Every script of the catalogs is drawn with real glyphs, not empty boxes: Ge'ez (Tigrinya),
Arabic script (Arabic, Persian, Dari) and Cyrillic (Ukrainian), in real Chromium with the Noto
fonts that scripts/ensure-chromium.sh installs, on the real chat page with its font stack
(chat.css) and a real booking confirmation from the catalogs.

Two checks per page. (1) Each character of the visible text is drawn on a canvas in the
bubble's own font and compared pixel by pixel with the .notdef box that font stack draws for
characters no font has: a character drawn as that box is a missing glyph. The check is shown
to work on characters no font has (they must come out as boxes). (2) Chromium names the fonts
it drew the bubble with (DevTools CSS.getPlatformFontsForNode): the script's own font drew
the script's letters, not the Latin font that draws the boxes."""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from assistant.settings import PROJECT_ROOT, Settings
from bot.gateway import Gateway
from bot.i18n import Translator
from bot.web import create_app, serve

PHONE = {"width": 360, "height": 640}
SLOT = "2026-12-08T09:30:00+00:00"
CONFIRMED = {"reference": "MD4-821", "location": "Raadhuisplein 1, Beilen",
             "when": {"type": "datetime", "value": SLOT},
             "team": {"type": "msg", "key": "team.klantmanager.name", "args": {}}}
# language -> (the Unicode script of its letters, fonts of chat.css's stack that have it)
SCRIPTS = {
    "ti": ("ETHIOPIC", {"Noto Sans Ethiopic", "Abyssinica SIL"}),
    "ar": ("ARABIC", {"Noto Sans Arabic", "Noto Naskh Arabic"}),
    "fa": ("ARABIC", {"Noto Sans Arabic", "Noto Naskh Arabic"}),
    "fa_AF": ("ARABIC", {"Noto Sans Arabic", "Noto Naskh Arabic"}),
    "uk": ("CYRILLIC", {"Noto Sans"}),
}
NO_FONT_HAS = "\ue000\ue001\U0010fffd"  # private use: drawn as boxes everywhere

# The characters of ``text`` that the font ``font`` draws as the box of a missing glyph.
MISSING_GLYPHS = """([text, font, unassigned]) => {
    const canvas = document.createElement("canvas");
    canvas.width = 96;
    canvas.height = 96;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    const drawn = (character) => {
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.font = font;
        context.textBaseline = "top";
        context.fillStyle = "#000";
        context.fillText(character, 16, 16);
        return context.getImageData(0, 0, canvas.width, canvas.height).data.join(",");
    };
    const boxes = new Set(Array.from(unassigned, drawn));
    const blank = drawn(" ");
    return Array.from(new Set(Array.from(text)))
        .filter(character => character.trim() !== "")
        .filter(character => { const image = drawn(character); return image !== blank
                                                                      && boxes.has(image); });
}"""


@pytest.fixture
async def chat_url(gateway: Gateway, translator: Translator, settings: Settings,
                   fake_rasa) -> AsyncIterator[str]:
    fake_rasa.answer("/greet", "booking.confirmed", CONFIRMED)
    runner = await serve(create_app(gateway, translator, settings), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}/"
    await runner.cleanup()


async def missing_glyphs(page: Page, text: str, font: str) -> list[str]:
    return await page.evaluate(MISSING_GLYPHS, [text, font, NO_FONT_HAS])


async def fonts_drawing(page: Page, selector: str) -> dict[str, int]:
    """Chromium's own account: font family -> glyphs it drew in the first ``selector``."""
    devtools = await page.context.new_cdp_session(page)
    await devtools.send("DOM.enable")
    await devtools.send("CSS.enable")
    root = await devtools.send("DOM.getDocument")
    node = await devtools.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"],
                                                     "selector": selector})
    fonts = await devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    await devtools.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts["fonts"]}


def letters_of(text: str, script: str) -> int:
    return sum(1 for character in text
               if character.isalpha() and unicodedata.name(character, "").startswith(script))


@pytest.mark.parametrize("language", sorted(SCRIPTS))
async def test_the_script_is_drawn_with_real_glyphs(browser: Browser, chat_url: str,
                                                    translator: Translator,
                                                    language: str) -> None:
    script, script_fonts = SCRIPTS[language]
    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    page = await context.new_page()
    await page.goto(f"{chat_url}?lang={language}")
    bubble = page.locator(".message-bot").first
    await expect(bubble).to_contain_text("MD4-821")
    text = await page.locator("body").inner_text()
    assert letters_of(text, script) > 40  # the page really is in that script
    font = await bubble.evaluate("element => getComputedStyle(element).font")

    assert await missing_glyphs(page, NO_FONT_HAS, font) == list(NO_FONT_HAS)  # it can fail
    assert await missing_glyphs(page, text, font) == []

    drawn = await fonts_drawing(page, ".message-bot")
    in_script = letters_of(await bubble.inner_text(), script)
    assert sum(count for family, count in drawn.items() if family in script_fonts) >= \
        in_script * 0.8, drawn  # ligatures and joined forms may draw fewer glyphs than letters
    await page.screenshot(path=str(PROJECT_ROOT / "var" / f"webchat-script-{language}.png"))
    await context.close()
