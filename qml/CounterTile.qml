import QtQuick
import QtQuick.Layouts

// A labelled number, such as "Admitted 2140".
Rectangle {
    id: tile

    property string label
    property string value
    property color valueColor: Theme.text

    implicitWidth: column.implicitWidth + 2 * Theme.spacing
    implicitHeight: column.implicitHeight + Theme.spacing
    radius: Theme.radius
    color: Theme.panel
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.centerIn: parent
        spacing: 2

        Text {
            text: tile.label
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            Layout.alignment: Qt.AlignHCenter
        }
        Text {
            text: tile.value
            color: tile.valueColor
            font.pixelSize: Theme.counterFontSize
            font.bold: true
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
