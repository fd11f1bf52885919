import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The scenario library and the open scenario's explanation.
Rectangle {
    id: pane

    property alias model: list.model
    property string currentPath
    property string title
    property string description
    property string details

    signal scenarioChosen(string path)

    color: Theme.panel
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.smallSpacing

        Label {
            text: qsTr("Scenarios")
            font.bold: true
            font.pixelSize: Theme.fontSize + 1
        }
        ListView {
            id: list
            objectName: "scenarioList"
            clip: true
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 180)
            delegate: ItemDelegate {
                required property string name
                required property string fileName
                required property string path
                required property string error

                width: ListView.view.width
                highlighted: path === pane.currentPath
                text: error.length > 0 ? qsTr("%1 (invalid)").arg(name) : name
                ToolTip.visible: hovered
                ToolTip.text: error.length > 0 ? error : fileName
                onClicked: pane.scenarioChosen(path)
            }
        }
        Rectangle {
            color: Theme.border
            implicitHeight: 1
            Layout.fillWidth: true
        }
        Label {
            text: pane.title
            font.bold: true
            font.pixelSize: Theme.fontSize + 1
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Label {
            text: pane.details
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        ScrollView {
            id: descriptionScroll
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: availableWidth

            Label {
                width: descriptionScroll.availableWidth
                text: pane.description
                wrapMode: Text.Wrap
                lineHeight: 1.2
                font.pixelSize: Theme.fontSize
            }
        }
    }
}
