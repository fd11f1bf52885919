import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// Run, pause and stop buttons, the replay speed and the run's progress.
ToolBar {
    id: bar

    property int runState: StudioController.Idle
    property int speed: StudioController.RealTime
    property double elapsedSeconds: 0
    property double durationSeconds: 0
    property bool canRun: true

    signal runRequested
    signal pauseRequested
    signal stopRequested
    signal speedRequested(int speed)

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: Theme.smallSpacing

        Label {
            text: qsTr("goflow Studio")
            font.bold: true
            font.pixelSize: Theme.fontSize + 2
            Layout.rightMargin: Theme.spacing
        }
        Button {
            text: bar.runState === StudioController.Paused ? qsTr("Resume") : qsTr("Run")
            enabled: bar.canRun && bar.runState !== StudioController.Running
            onClicked: bar.runRequested()
        }
        Button {
            text: qsTr("Pause")
            enabled: bar.runState === StudioController.Running
            onClicked: bar.pauseRequested()
        }
        Button {
            text: qsTr("Stop")
            enabled: bar.runState === StudioController.Running
                     || bar.runState === StudioController.Paused
            onClicked: bar.stopRequested()
        }
        Label {
            text: qsTr("Speed")
            Layout.leftMargin: Theme.spacing
        }
        ComboBox {
            id: speedBox
            objectName: "speedBox"
            textRole: "text"
            valueRole: "value"
            implicitContentWidthPolicy: ComboBox.WidestText
            model: [
                { text: qsTr("Real time"), value: StudioController.RealTime },
                { text: qsTr("10×"), value: StudioController.Times10 },
                { text: qsTr("As fast as possible"), value: StudioController.AsFastAsPossible }
            ]
            currentIndex: indexOfValue(bar.speed)
            onActivated: bar.speedRequested(currentValue)
        }
        Item {
            Layout.fillWidth: true
        }
        Label {
            text: qsTr("%1 s of %2 s").arg(Math.min(bar.elapsedSeconds, bar.durationSeconds).toFixed(1))
                                      .arg(bar.durationSeconds.toFixed(1))
            font.family: "monospace"
        }
        ProgressBar {
            from: 0
            to: Math.max(bar.durationSeconds, 0.001)
            value: Math.min(bar.elapsedSeconds, bar.durationSeconds)
            Layout.preferredWidth: 160
        }
    }
}
