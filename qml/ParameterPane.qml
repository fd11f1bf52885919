import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// A titled form of the rows of one ParameterModel.
Rectangle {
    id: pane

    required property ParameterModel parameters
    property string title
    property string hint
    // Drawn without its own frame, inside another panel.
    property bool flat: false

    color: flat ? "transparent" : Theme.panel
    border.color: flat ? "transparent" : Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: pane.flat ? 0 : Theme.smallSpacing
        spacing: Theme.smallSpacing

        Label {
            text: pane.title
            font.bold: true
            font.pixelSize: Theme.fontSize
            color: Theme.text
        }
        Label {
            visible: pane.hint.length > 0
            text: pane.hint
            color: Theme.mutedText
            font.pixelSize: Theme.smallFontSize
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        ListView {
            id: form
            model: pane.parameters
            clip: true
            spacing: Theme.smallSpacing
            boundsBehavior: Flickable.StopAtBounds
            Layout.fillWidth: true
            Layout.fillHeight: true
            ScrollBar.vertical: ScrollBar {}

            delegate: ParameterField {
                width: ListView.view.width - Theme.smallSpacing
                parameters: pane.parameters
            }
        }
    }
}
