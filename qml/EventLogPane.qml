import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// The run's notable moments in time order. Clicking one asks the model to jump there.
Rectangle {
    id: pane

    required property EventLogModel eventModel

    readonly property StudioController controller: eventModel.controller
    readonly property int runState: controller ? controller.state : StudioController.Idle
    readonly property bool hasSamples: controller !== null && controller.sampleCount > 0

    // The text shown while the log is empty, which depends on how far the run got.
    function emptyText() {
        switch (pane.runState) {
        case StudioController.Finished:
            return qsTr("The run finished without notable events: none of its samples showed "
                        + "a token bucket running dry, a full queue, a timeout or a retry storm.");
        case StudioController.Running:
        case StudioController.Paused:
            return qsTr("No notable events so far. A token bucket running dry, a full queue, the "
                        + "first timeout or a retry storm will show up here when it happens.");
        default:
            return pane.hasSamples
                   ? qsTr("The run stopped before any notable event. A token bucket running dry, "
                          + "a full queue, the first timeout or a retry storm would have shown up "
                          + "here.")
                   : qsTr("No events yet. Run the scenario: a token bucket running dry, a full "
                          + "queue, the first timeout or a retry storm will show up here.");
        }
    }

    // Kinds that mark the end of an episode, drawn in the calm colour.
    function isRecovery(kind) {
        return kind === EventLogModel.TokensRecovered || kind === EventLogModel.QueueDrained
               || kind === EventLogModel.RetryStormEnded
               || kind === EventLogModel.LatencyBelowTimeout;
    }

    color: Theme.panel
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.smallSpacing

        Label {
            text: qsTr("Events")
            font.bold: true
            font.pixelSize: Theme.fontSize + 1
        }
        ListView {
            id: list
            objectName: "eventList"
            model: pane.eventModel
            clip: true
            visible: count > 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            // Shown while the events overflow, so that a cut entry reads as more to scroll.
            ScrollBar.vertical: ScrollBar {
                policy: list.contentHeight > list.height ? ScrollBar.AlwaysOn
                                                         : ScrollBar.AsNeeded
            }

            delegate: ItemDelegate {
                id: entry

                required property int index
                required property real seconds
                required property int kind
                required property string message
                required property string subject

                // Leaves room for the scroll bar, shown or not, so that no text runs under it.
                width: ListView.view.width - list.ScrollBar.vertical.width
                padding: Theme.smallSpacing
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: qsTr("%1 — click to move the replay to %2 s")
                              .arg(entry.subject).arg(entry.seconds.toFixed(1))
                onClicked: pane.eventModel.activate(entry.index)

                contentItem: RowLayout {
                    spacing: Theme.smallSpacing

                    Rectangle {
                        implicitWidth: Theme.smallSpacing
                        implicitHeight: Theme.smallSpacing
                        radius: Theme.smallSpacing / 2
                        color: pane.isRecovery(entry.kind) ? Theme.admitted : Theme.rejected
                        Layout.alignment: Qt.AlignTop | Qt.AlignLeft
                        Layout.topMargin: Theme.smallSpacing / 2
                    }
                    Label {
                        text: qsTr("%1 s").arg(entry.seconds.toFixed(1))
                        color: Theme.mutedText
                        font.pixelSize: Theme.smallFontSize
                        font.family: "monospace"
                        horizontalAlignment: Text.AlignRight
                        Layout.preferredWidth: Theme.counterFontSize * 2.5
                        Layout.alignment: Qt.AlignTop
                    }
                    Label {
                        text: entry.message
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.smallFontSize
                        Layout.fillWidth: true
                    }
                }
            }
        }
        Label {
            objectName: "eventEmptyText"
            visible: list.count === 0
            text: pane.emptyText()
            color: Theme.mutedText
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSize
            Layout.fillWidth: true
            Layout.fillHeight: true
            verticalAlignment: Text.AlignTop
        }
    }
}
