import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The scenario's "what to look for" notes, or its description when it has none.
Rectangle {
    id: panel

    property var notes: []
    // True when `notes` are the scenario's own notes, false for the description fallback.
    property bool fromScenario: false

    color: Theme.panel
    border.color: Theme.border
    radius: Theme.radius
    implicitHeight: content.implicitHeight + 2 * Theme.spacing

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.smallSpacing

        Label {
            text: panel.fromScenario ? qsTr("What to look for") : qsTr("About this scenario")
            font.bold: true
            font.pixelSize: Theme.fontSize + 1
        }
        ScrollView {
            id: scroll
            clip: true
            contentWidth: availableWidth
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredHeight: noteColumn.implicitHeight
            // A scroll bar that shows while the notes overflow, so that a cut line reads as more
            // to scroll, not as the end.
            ScrollBar.vertical.policy: noteColumn.implicitHeight > scroll.availableHeight
                                       ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded

            Column {
                id: noteColumn
                width: scroll.availableWidth - scroll.ScrollBar.vertical.width
                spacing: Theme.smallSpacing

                Repeater {
                    model: panel.notes
                    delegate: Label {
                        required property string modelData
                        width: noteColumn.width
                        text: panel.fromScenario ? qsTr("• %1").arg(modelData) : modelData
                        wrapMode: Text.Wrap
                        lineHeight: 1.15
                        font.pixelSize: Theme.fontSize
                    }
                }
                Label {
                    visible: panel.notes.length === 0
                    width: noteColumn.width
                    text: qsTr("Open a scenario to read what it demonstrates.")
                    color: Theme.mutedText
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSize
                }
            }
        }
    }
}
