import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

// Run, pause, step, stop and simulate buttons, the replay speed and the run's progress.
ToolBar {
    id: bar

    property int runState: StudioController.Idle
    // Virtual seconds per wall second, or 0 for as fast as possible.
    property double speed: 1
    property var speedSteps: [1]
    property double elapsedSeconds: 0
    property double durationSeconds: 0
    property bool canRun: true

    signal runRequested
    signal pauseRequested
    signal resumeRequested
    signal stepRequested
    signal stopRequested
    signal simulateRequested
    signal speedRequested(double speed)

    function speedLabel(value) {
        return value === 0 ? qsTr("As fast as possible") : qsTr("%1×").arg(value);
    }

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
            objectName: "runButton"
            text: qsTr("Run")
            enabled: bar.canRun && bar.runState !== StudioController.Running
                     && bar.runState !== StudioController.Paused
            onClicked: bar.runRequested()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Replays the scenario from the start at the chosen speed (Ctrl+R).")
        }
        Button {
            objectName: "pauseButton"
            text: bar.runState === StudioController.Paused ? qsTr("Resume") : qsTr("Pause")
            enabled: bar.runState === StudioController.Running
                     || bar.runState === StudioController.Paused
            onClicked: bar.runState === StudioController.Paused ? bar.resumeRequested()
                                                                : bar.pauseRequested()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: bar.runState === StudioController.Paused
                          ? qsTr("Continues the paused replay (Space).")
                          : qsTr("Holds the replay at the current moment (Space).")
        }
        Button {
            objectName: "stepButton"
            text: qsTr("Step")
            enabled: bar.canRun && bar.runState !== StudioController.Running
                     && bar.runState !== StudioController.Finished
            onClicked: bar.stepRequested()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Advances the paused replay by one sample (Right arrow or Ctrl+.).")
        }
        Button {
            objectName: "stopButton"
            text: qsTr("Stop")
            enabled: bar.runState === StudioController.Running
                     || bar.runState === StudioController.Paused
            onClicked: bar.stopRequested()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Ends the replay and keeps the samples recorded so far (Esc).")
        }
        Button {
            objectName: "simulateButton"
            text: qsTr("Simulate")
            enabled: bar.canRun
            onClicked: bar.simulateRequested()
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Computes the whole run at once and shows it complete.")
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
            model: bar.speedSteps.map(value => ({ text: bar.speedLabel(value), value: value }))
            currentIndex: bar.speedSteps.indexOf(bar.speed)
            displayText: currentIndex >= 0 ? currentText : bar.speedLabel(bar.speed)
            onActivated: bar.speedRequested(currentValue)
            ToolTip.visible: hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Sets how many simulated seconds pass per real second (Ctrl++ and Ctrl+- step it).")
        }
        Item {
            Layout.fillWidth: true
        }
        Label {
            // After the load, the run goes on until every request has left the system.
            text: bar.elapsedSeconds <= bar.durationSeconds
                  ? qsTr("%1 s of %2 s").arg(bar.elapsedSeconds.toFixed(1))
                                        .arg(bar.durationSeconds.toFixed(1))
                  : qsTr("%1 s: %2 s of load, then draining").arg(bar.elapsedSeconds.toFixed(1))
                                                            .arg(bar.durationSeconds.toFixed(1))
            font.family: "monospace"
        }
        ProgressBar {
            from: 0
            to: Math.max(bar.durationSeconds, 0.001)
            value: Math.min(bar.elapsedSeconds, bar.durationSeconds)
            Layout.preferredWidth: 160
            ToolTip.visible: progressHover.hovered
            ToolTip.delay: Theme.toolTipDelay
            ToolTip.text: qsTr("Shows how much of the scenario's load the run has covered.")
            HoverHandler {
                id: progressHover
            }
        }
    }
}
