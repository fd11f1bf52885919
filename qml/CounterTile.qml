import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A labelled number, such as "Admitted 2140".
Rectangle {
    id: tile

    property string label
    property string value
    property color valueColor: Theme.text
    // Says what the number counts; shown on hover.
    property string toolTip

    // Sized by the number alone: the label elides when the row is narrow, and its width must not
    // feed back into the row's layout.
    implicitWidth: Math.max(valueText.implicitWidth, 80) + 2 * Theme.spacing
    implicitHeight: column.implicitHeight + Theme.spacing
    radius: Theme.radius
    color: Theme.panel
    border.color: Theme.border

    HoverHandler {
        id: hover
    }
    ToolTip.visible: hover.hovered && tile.toolTip.length > 0
    ToolTip.delay: Theme.toolTipDelay
    ToolTip.text: tile.toolTip

    ColumnLayout {
        id: column
        anchors.centerIn: parent
        spacing: 2

        Text {
            text: tile.label
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
            horizontalAlignment: Text.AlignHCenter
            Layout.preferredWidth: tile.width - Theme.smallSpacing
            Layout.alignment: Qt.AlignHCenter
        }
        Text {
            id: valueText
            text: tile.value
            color: tile.valueColor
            font.pixelSize: Theme.counterFontSize
            font.bold: true
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
