import QtQuick
import Goflow.Studio

StudioTestCase {
    name: "Theme"

    readonly property var colourNames: [
        "window", "panel", "border", "text", "mutedText", "accent", "selection",
        "errorBackground", "tokens", "queue", "reference", "admitted", "rejected",
        "chartBackground", "chartPlotArea", "chartTitle", "chartAxisLine", "chartAxisLabel",
        "chartGrid", "legendText", "controlBackground", "inputBackground",
        "alternateInputBackground", "placeholderText", "toolTipBackground", "toolTipText",
        "link", "shadeLight", "shadeMidlight", "shadeMid", "shadeDark", "shadeShadow",
        "disabledText", "disabledControlBackground", "disabledInputBackground", "disabledAccent"
    ]

    function snapshot() {
        const colours = {};
        for (const name of colourNames)
            colours[name] = copyColour(Theme[name]);
        return colours;
    }

    function test_choiceSelectsPalette() {
        Theme.choice = StudioSettings.Light;
        verify(!Theme.dark);
        Theme.choice = StudioSettings.Dark;
        verify(Theme.dark);
        Theme.choice = StudioSettings.FollowSystem;
        compare(Theme.dark, Theme.systemDark);
    }

    function test_systemDarkFollowsWindowLightness() {
        const lightness = Theme.systemPalette.window.hslLightness;
        compare(Theme.systemDark, lightness < 0.5);
    }

    function test_darkPaletteDiffers() {
        Theme.choice = StudioSettings.Light;
        const light = snapshot();
        Theme.choice = StudioSettings.Dark;
        const dark = snapshot();
        for (const name of colourNames) {
            verify(light[name] !== undefined, name + " is missing");
            verify(!Qt.colorEqual(light[name], dark[name]), name + " is the same in both palettes");
        }
    }

    function test_textContrastsWithWindow() {
        for (const choice of [StudioSettings.Light, StudioSettings.Dark]) {
            Theme.choice = choice;
            const gap = Math.abs(Theme.text.hslLightness - Theme.window.hslLightness);
            verify(gap > 0.6, "text and window lightness differ by only " + gap);
            verify(Theme.dark === (Theme.window.hslLightness < 0.5));
        }
    }

    // Disabled text stays readable on the window, but sits clearly closer to it than enabled text.
    function test_disabledTextIsDimmer() {
        for (const choice of [StudioSettings.Light, StudioSettings.Dark]) {
            Theme.choice = choice;
            const enabledGap = Math.abs(Theme.text.hslLightness - Theme.window.hslLightness);
            const disabledGap = Math.abs(Theme.disabledText.hslLightness
                                         - Theme.window.hslLightness);
            verify(disabledGap > 0.25, "disabled text is too faint: gap " + disabledGap);
            verify(disabledGap < enabledGap * 0.6,
                   "disabled text is too close to enabled text: gap " + disabledGap + " of "
                   + enabledGap);
        }
    }
}
