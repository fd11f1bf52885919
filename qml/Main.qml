import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

ApplicationWindow {
    id: root

    property string scenarioDirectory
    property string initialScenario
    property bool autoRun: false
    property string initialSpeed: "realtime"

    function refreshCharts() {
        runPage.refresh();
    }

    width: 1280
    height: 820
    minimumWidth: 960
    minimumHeight: 640
    visible: true
    color: Theme.window
    title: controller.scenarioName.length > 0
           ? qsTr("goflow Studio — %1").arg(controller.scenarioName)
           : qsTr("goflow Studio")

    Component.onCompleted: {
        const speeds = {
            "realtime": StudioController.RealTime,
            "10x": StudioController.Times10,
            "max": StudioController.AsFastAsPossible
        };
        controller.speed = speeds[initialSpeed] ?? StudioController.RealTime;
        if (controller.load(initialScenario) && autoRun)
            controller.run();
    }

    StudioController {
        id: controller
        objectName: "controller"
    }
    ChartFeeder {
        id: feeder
        controller: controller
    }
    ScenarioListModel {
        id: scenarios
        directory: root.scenarioDirectory
    }

    // Charts refresh at 20 Hz while a run is going, and once whenever the run or scenario changes.
    Timer {
        interval: 50
        repeat: true
        running: controller.state === StudioController.Running
        onTriggered: root.refreshCharts()
    }
    Connections {
        target: controller
        function onStateChanged() { root.refreshCharts(); }
        function onScenarioChanged() { root.refreshCharts(); }
    }

    Shortcut {
        sequence: "Ctrl+R"
        onActivated: controller.run()
    }
    Shortcut {
        sequence: "Space"
        onActivated: controller.state === StudioController.Running ? controller.pause()
                                                                   : controller.run()
    }
    Shortcut {
        sequence: "Esc"
        onActivated: controller.stop()
    }

    header: RunToolBar {
        runState: controller.state
        speed: controller.speed
        elapsedSeconds: controller.elapsedSeconds
        durationSeconds: controller.durationSeconds
        canRun: controller.scenarioLoaded
        onRunRequested: controller.run()
        onPauseRequested: controller.pause()
        onStopRequested: controller.stop()
        onSpeedRequested: (speed) => controller.speed = speed
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        ScenarioPane {
            model: scenarios
            currentPath: controller.scenarioPath
            title: controller.scenarioName
            description: controller.scenarioDescription
            details: controller.scenarioDetails
            Layout.preferredWidth: Theme.sidePaneWidth
            Layout.fillHeight: true
            onScenarioChosen: (path) => controller.load(path)
        }

        ColumnLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Layout.fillHeight: true

            Rectangle {
                visible: controller.errorMessage.length > 0
                color: Theme.errorBackground
                border.color: Theme.rejected
                radius: Theme.radius
                implicitHeight: errorRow.implicitHeight + Theme.spacing
                Layout.fillWidth: true

                RowLayout {
                    id: errorRow
                    anchors.fill: parent
                    anchors.margins: Theme.smallSpacing

                    Label {
                        text: controller.errorMessage
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                    Button {
                        text: qsTr("Dismiss")
                        onClicked: controller.clearError()
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true

                TabBar {
                    id: pageBar
                    objectName: "pageBar"
                    Layout.fillWidth: true

                    TabButton {
                        text: qsTr("Run")
                    }
                    TabButton {
                        text: qsTr("Streams")
                    }
                }
                ExportMenu { controller: controller; window: root; chartRoot: runPage }
            }

            StackLayout {
                currentIndex: pageBar.currentIndex
                Layout.fillWidth: true
                Layout.fillHeight: true

                RunPage {
                    id: runPage
                    objectName: "runPage"
                    controller: controller
                    feeder: feeder
                }
                StreamPage {
                    objectName: "streamPage"
                    controller: controller
                }
            }
        }
    }
}
