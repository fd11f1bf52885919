pragma Singleton
import QtQuick

// Colours, sizes and spacing of the Studio, in one place.
QtObject {
    readonly property color window: "#f4f5f7"
    readonly property color panel: "#ffffff"
    readonly property color border: "#d9dce1"
    readonly property color text: "#1f2328"
    readonly property color mutedText: "#5b6470"
    readonly property color accent: "#2f6fde"
    readonly property color selection: "#e3ecfb"
    readonly property color tokens: "#2f6fde"
    readonly property color queue: "#d9822b"
    readonly property color reference: "#c23b3b"
    readonly property color admitted: "#2e8b57"
    readonly property color rejected: "#c23b3b"
    readonly property color errorBackground: "#fdecea"

    readonly property int spacing: 12
    readonly property int smallSpacing: 6
    readonly property int radius: 6
    readonly property int sidePaneWidth: 330
    readonly property int fontSize: 13
    readonly property int smallFontSize: 11
    readonly property int counterFontSize: 20
    readonly property int fieldLabelWidth: 140
    readonly property int unitWidth: 64
    readonly property int topologyWidth: 260
    readonly property int dialogWidth: 440
    readonly property int loadFormHeight: 340
    readonly property int previewMinimumHeight: 200
}
