pragma Singleton
import QtQuick
import Goflow.Studio

// Colours, sizes and spacing of the Studio, in one place, in a light and a dark palette.
//
// `choice` selects the palette: StudioSettings.FollowSystem (the default) uses the dark palette
// when the system palette's window colour is dark, StudioSettings.Light and StudioSettings.Dark
// force one. Qt 6.4 has no QStyleHints::colorScheme, so the window lightness is the signal.
QtObject {
    id: theme

    property int choice: StudioSettings.FollowSystem
    // The system palette; updates when the desktop's palette changes.
    readonly property SystemPalette systemPalette: SystemPalette {
        colorGroup: SystemPalette.Active
    }
    readonly property bool systemDark: systemPalette.window.hslLightness < 0.5
    readonly property bool dark: choice === StudioSettings.Dark
                                 || (choice === StudioSettings.FollowSystem && systemDark)

    // Surfaces and text.
    readonly property color window: dark ? "#1b1e23" : "#f4f5f7"
    readonly property color panel: dark ? "#262a31" : "#ffffff"
    readonly property color border: dark ? "#3b414b" : "#d9dce1"
    readonly property color text: dark ? "#e4e7eb" : "#1f2328"
    readonly property color mutedText: dark ? "#9aa4b0" : "#5b6470"
    readonly property color accent: dark ? "#5d95f2" : "#2f6fde"
    readonly property color selection: dark ? "#2b3d5c" : "#e3ecfb"
    readonly property color errorBackground: dark ? "#4b2427" : "#fdecea"

    // Data colours, used by the charts and the counters.
    readonly property color tokens: dark ? "#6fa2f7" : "#2f6fde"
    readonly property color queue: dark ? "#f0a457" : "#d9822b"
    readonly property color reference: dark ? "#f07070" : "#c23b3b"
    readonly property color admitted: dark ? "#4fc48c" : "#2e8b57"
    readonly property color rejected: dark ? "#f07070" : "#c23b3b"
    readonly property color busy: dark ? "#5cb8d6" : "#2a7fa8"
    readonly property color blocked: dark ? "#f0a457" : "#d9822b"
    readonly property color dropped: dark ? "#c49be8" : "#7b3fa6"  // purple, apart from rejected and retried
    readonly property color retried: dark ? "#f0a457" : "#d9822b"
    readonly property color percentile50: dark ? "#4fc48c" : "#2e8b57"
    readonly property color percentile95: dark ? "#f0a457" : "#d9822b"
    readonly property color percentile99: dark ? "#f07070" : "#c23b3b"
    readonly property color wait: dark ? "#6fa2f7" : "#2f6fde"  // blue, apart from the percentiles
    readonly property color cursor: text
    readonly property color writer: dark ? "#c792ea" : "#8e44ad"
    readonly property color theory: dark ? "#9aa4b0" : "#5b6470"

    // Charts: the area around the plot, the plot itself, axes, grid and legend.
    readonly property color chartBackground: panel
    readonly property color chartPlotArea: dark ? "#20242a" : "#ffffff"
    readonly property color chartTitle: text
    readonly property color chartAxisLine: dark ? "#6b7480" : "#8c949e"
    readonly property color chartAxisLabel: mutedText
    readonly property color chartGrid: dark ? "#343a43" : "#e6e8ec"
    readonly property color legendText: text

    // Controls: the palette roles that Qt Quick Controls draw buttons, fields, menus and
    // tooltips with. The window sets its palette from these.
    readonly property color controlBackground: dark ? "#30353d" : "#f9fafb"
    readonly property color inputBackground: dark ? "#1f2328" : "#ffffff"
    readonly property color alternateInputBackground: dark ? "#272b32" : "#f4f5f7"
    readonly property color highlightedText: "#ffffff"
    readonly property color placeholderText: dark ? "#747d89" : "#8a929c"
    readonly property color toolTipBackground: dark ? "#30353d" : "#ffffdc"
    readonly property color toolTipText: text
    readonly property color link: accent
    // Bevel shades from lightest to darkest, for styles that draw 3D edges (Fusion).
    readonly property color shadeLight: dark ? "#464c56" : "#ffffff"
    readonly property color shadeMidlight: dark ? "#3b414b" : "#e6e8ec"
    readonly property color shadeMid: dark ? "#2c3138" : "#b8bec6"
    readonly property color shadeDark: dark ? "#15181c" : "#9aa1ab"
    readonly property color shadeShadow: dark ? "#0c0e10" : "#6b727c"
    readonly property color marker: dark ? "#b393f0" : "#7a4fc4"
    // Disabled controls: text between the enabled text and the window, on a flat background,
    // so that an unavailable button or field reads as such. The window sets its palette's
    // disabled colour group from these.
    readonly property color disabledText: dark ? "#666e7a" : "#a0a7b0"
    readonly property color disabledControlBackground: dark ? "#23272d" : "#eceef1"
    readonly property color disabledInputBackground: dark ? "#20242a" : "#f0f1f3"
    readonly property color disabledAccent: dark ? "#3a4a66" : "#b7c8e8"

    readonly property int spacing: 12
    readonly property int smallSpacing: 6
    readonly property int radius: 6
    readonly property int sidePaneWidth: 330
    readonly property int fontSize: 13
    readonly property int smallFontSize: 11
    readonly property int counterFontSize: 20
    readonly property int chartHeight: 300
    readonly property int toolTipDelay: 500
    readonly property int markerWidth: 2
    readonly property int fieldLabelWidth: 140
    readonly property int unitWidth: 64
    readonly property int topologyWidth: 260
    readonly property int dialogWidth: 440
    readonly property int loadFormHeight: 340
    readonly property int previewMinimumHeight: 200
}
