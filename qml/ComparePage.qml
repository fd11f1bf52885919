import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// Two finished runs from the history overlaid on the same charts, with their summary numbers
// side by side. A newly finished run becomes the second run and the previous second the first.
ColumnLayout {
    id: root

    required property StudioController controller
    readonly property RunHistory history: controller.history
    readonly property alias feeder: feeder

    function refresh() {
        for (const chart of [queueChart, limiterChart, latencyChart, admittedChart,
                             rejectedChart]) {
            chart.refresh();
        }
    }

    function openRename(runId) {
        renameDialog.runId = runId;
        renameField.text = history.nameOf(runId);
        renameDialog.open();
        renameField.selectAll();
        renameField.forceActiveFocus();
    }

    spacing: Theme.spacing

    CompareFeeder {
        id: feeder
        objectName: "compareFeeder"
        history: root.history
        onRunsChanged: root.refresh()
        Component.onCompleted: chooseLatest()
    }
    Connections {
        target: root.controller
        function onRunFinished() { feeder.chooseLatest(); }
    }

    // One row per side of the comparison; the colour swatch is the run's colour in the charts.
    GridLayout {
        columns: 5
        rowSpacing: Theme.smallSpacing
        columnSpacing: Theme.smallSpacing
        Layout.fillWidth: true

        Repeater {
            model: [
                { "side": 0, "title": qsTr("Run A"), "color": Theme.tokens },
                { "side": 1, "title": qsTr("Run B"), "color": Theme.queue }
            ]

            RowLayout {
                id: picker
                required property var modelData
                readonly property int runId: modelData.side === 0 ? feeder.firstRunId
                                                                   : feeder.secondRunId
                readonly property bool known: root.history.count >= 0
                                              && root.history.rowOf(runId) >= 0
                spacing: Theme.smallSpacing
                Layout.row: modelData.side
                Layout.column: 0
                Layout.columnSpan: 4
                Layout.fillWidth: true

                Rectangle {
                    color: picker.modelData.color
                    implicitWidth: Theme.fontSize
                    implicitHeight: Theme.fontSize
                    radius: 2
                }
                Label {
                    text: picker.modelData.title
                    font.bold: true
                }
                ComboBox {
                    objectName: picker.modelData.side === 0 ? "firstRunBox" : "secondRunBox"
                    model: root.history
                    textRole: "name"
                    valueRole: "runId"
                    enabled: root.history.count > 0
                    displayText: currentIndex >= 0 ? currentText : qsTr("(no run)")
                    currentIndex: count >= 0 && picker.known ? root.history.rowOf(picker.runId)
                                                             : -1
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.sidePaneWidth
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Chooses which finished run this side of the comparison shows.")
                    onActivated: (index) => {
                        if (picker.modelData.side === 0)
                            feeder.firstRunId = root.history.idAt(index);
                        else
                            feeder.secondRunId = root.history.idAt(index);
                    }
                }
                Button {
                    text: qsTr("Rename…")
                    enabled: picker.known
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Gives this run a name of your own.")
                    onClicked: root.openRename(picker.runId)
                }
                Button {
                    text: qsTr("Remove")
                    enabled: picker.known
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("Deletes this run from the history.")
                    onClicked: root.history.remove(picker.runId)
                }
            }
        }
        Button {
            text: qsTr("Clear history")
            enabled: root.history.count > 0
            Layout.row: 1
            Layout.column: 4
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Deletes every run from the history.")
            onClicked: root.history.clear()
        }
    }

    Label {
        visible: !feeder.ready
        text: root.history.count === 0
              ? qsTr("No finished runs yet. Run a scenario to the end on the Run tab, then run it again with other settings (or run another scenario) to compare the two here. The history keeps the last %1 runs.").arg(root.history.capacity)
              : qsTr("Choose two runs above. Runs finished so far: %1 (the history keeps the last %2).").arg(root.history.count).arg(root.history.capacity)
        color: Theme.mutedText
        wrapMode: Text.Wrap
        Layout.fillWidth: true
        Layout.preferredWidth: 0  // wrap to the page instead of widening it
    }

    GridLayout {
        visible: feeder.ready
        columns: 3
        rowSpacing: Theme.smallSpacing
        columnSpacing: Theme.smallSpacing
        Layout.fillWidth: true
        Layout.fillHeight: true

        CompareChart {
            id: queueChart
            objectName: "compareQueueChart"
            feeder: feeder
            metric: CompareFeeder.QueueDepth
            title: qsTr("Worker pool queue depth")
            valueTitle: qsTr("requests")
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        CompareChart {
            id: limiterChart
            objectName: "compareLimiterChart"
            feeder: feeder
            metric: CompareFeeder.LimiterLevel
            title: qsTr("Limiter level (tokens, backlog or permits)")
            valueTitle: qsTr("level")
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        CompareChart {
            id: latencyChart
            objectName: "compareLatencyChart"
            feeder: feeder
            metric: CompareFeeder.LatencyP99
            title: qsTr("Latency p99 per interval")
            valueTitle: qsTr("ms")
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        CompareChart {
            id: admittedChart
            objectName: "compareAdmittedChart"
            feeder: feeder
            metric: CompareFeeder.AdmittedPerSecond
            title: qsTr("Admitted per second")
            valueTitle: qsTr("attempts/s")
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
        CompareChart {
            id: rejectedChart
            objectName: "compareRejectedChart"
            feeder: feeder
            metric: CompareFeeder.RejectedPerSecond
            title: qsTr("Rejected per second")
            valueTitle: qsTr("attempts/s")
            Layout.fillWidth: true
            Layout.fillHeight: true
        }

        Rectangle {
            color: Theme.panel
            border.color: Theme.border
            radius: Theme.radius
            Layout.fillWidth: true
            Layout.fillHeight: true

            ScrollView {
                id: summaryScroll
                anchors.fill: parent
                anchors.margins: Theme.smallSpacing
                clip: true
                contentWidth: availableWidth

                GridLayout {
                    objectName: "summaryTable"
                    width: summaryScroll.availableWidth
                    columns: 4
                    rowSpacing: 2
                    columnSpacing: Theme.smallSpacing

                    Label {
                        text: qsTr("Summary")
                        font.bold: true
                        Layout.fillWidth: true
                    }
                    Label {
                        text: qsTr("A")
                        color: Theme.tokens
                        font.bold: true
                        horizontalAlignment: Text.AlignRight
                        Layout.alignment: Qt.AlignRight
                    }
                    Label {
                        text: qsTr("B")
                        color: Theme.queue
                        font.bold: true
                        Layout.alignment: Qt.AlignRight
                    }
                    Label {
                        text: qsTr("B − A")
                        font.bold: true
                        Layout.alignment: Qt.AlignRight
                    }

                    // Four cells per summary row: the label, run A, run B and the difference.
                    Repeater {
                        model: feeder.summaryRows.length * 4

                        Label {
                            required property int index
                            readonly property int column: index % 4
                            readonly property var line: feeder.summaryRows[Math.floor(index / 4)]
                            text: column === 0 ? line.label
                                : column === 1 ? line.first
                                : column === 2 ? line.second
                                : line.difference
                            color: column === 3 && line.worse > 0 ? Theme.rejected
                                 : column === 3 && line.worse < 0 ? Theme.admitted
                                 : column === 0 ? Theme.mutedText
                                 : Theme.text
                            font.pixelSize: Theme.smallFontSize
                            elide: column === 0 ? Text.ElideRight : Text.ElideNone
                            Layout.fillWidth: column === 0
                            Layout.alignment: column === 0 ? Qt.AlignLeft : Qt.AlignRight
                        }
                    }
                }
            }
        }
    }

    Dialog {
        id: renameDialog
        objectName: "renameDialog"
        property int runId: -1
        title: qsTr("Rename run")
        modal: true
        anchors.centerIn: Overlay.overlay
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: root.history.rename(runId, renameField.text)

        TextField {
            id: renameField
            objectName: "renameField"
            implicitWidth: Theme.sidePaneWidth
            placeholderText: qsTr("Run name")
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("The name shown in the run pickers and chart legends.")
            onAccepted: renameDialog.accept()
        }
    }
}
