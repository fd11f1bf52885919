import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Goflow.Studio

ApplicationWindow {
    id: root

    property string scenarioDirectory
    property string initialScenario
    property bool autoRun: false
    property bool liveMode: false
    property string initialSpeed: "realtime"
    // Preferences to restore and keep up to date; without it nothing is remembered.
    property StudioSettings settings: null

    function refreshCharts() {
        runPage.refresh();
    }

    function setThemeChoice(choice) {
        Theme.choice = choice;
        if (root.settings)
            root.settings.theme = choice;
    }

    function toggleTheme() {
        root.setThemeChoice(Theme.dark ? StudioSettings.Light : StudioSettings.Dark);
    }

    width: 1280
    height: 820
    minimumWidth: 960
    minimumHeight: 640
    visible: true
    color: Theme.window
    palette.window: Theme.window
    palette.alternateBase: Theme.alternateInputBackground
    palette.brightText: Theme.highlightedText
    palette.highlightedText: Theme.highlightedText
    palette.toolTipBase: Theme.toolTipBackground
    palette.toolTipText: Theme.toolTipText
    palette.link: Theme.link
    palette.linkVisited: Theme.link
    palette.light: Theme.shadeLight
    palette.midlight: Theme.shadeMidlight
    palette.mid: Theme.shadeMid
    palette.dark: Theme.shadeDark
    palette.shadow: Theme.shadeShadow
    // Roles that disabled controls draw dimmer. A role set without a colour group applies to all
    // three groups, and QML does not order it before a group's own setting, so these name each
    // group.
    palette.active.windowText: Theme.text
    palette.inactive.windowText: Theme.text
    palette.disabled.windowText: Theme.disabledText
    palette.active.text: Theme.text
    palette.inactive.text: Theme.text
    palette.disabled.text: Theme.disabledText
    palette.active.buttonText: Theme.text
    palette.inactive.buttonText: Theme.text
    palette.disabled.buttonText: Theme.disabledText
    palette.active.placeholderText: Theme.placeholderText
    palette.inactive.placeholderText: Theme.placeholderText
    palette.disabled.placeholderText: Theme.disabledText
    palette.active.button: Theme.controlBackground
    palette.inactive.button: Theme.controlBackground
    palette.disabled.button: Theme.disabledControlBackground
    palette.active.base: Theme.inputBackground
    palette.inactive.base: Theme.inputBackground
    palette.disabled.base: Theme.disabledInputBackground
    palette.active.highlight: Theme.accent
    palette.inactive.highlight: Theme.accent
    palette.disabled.highlight: Theme.disabledAccent

    title: controller.scenarioName.length > 0
           ? qsTr("goflow Studio — %1").arg(controller.scenarioName)
           : qsTr("goflow Studio")

    onClosing: (close) => designPage.confirmClose(close)

    Component.onCompleted: {
        controller.setSpeedText(initialSpeed);
        if (root.settings) {
            Theme.choice = root.settings.theme;
            pageBar.currentIndex = Math.min(root.settings.lastTab, pageBar.count - 1);
        }
        if (liveMode)
            controller.runMode = StudioController.Live;
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
    // Keeps the settings up to date; the initial values were applied in Component.onCompleted.
    Connections {
        target: controller
        enabled: root.settings !== null
        function onScenarioChanged() {
            if (controller.scenarioLoaded)
                root.settings.lastScenario = controller.scenarioPath;
        }
        function onSpeedChanged() { root.settings.replaySpeed = controller.speed; }
    }
    Connections {
        target: pageBar
        enabled: root.settings !== null
        function onCurrentIndexChanged() { root.settings.lastTab = pageBar.currentIndex; }
    }

    menuBar: MenuBar {
        Menu {
            title: qsTr("&View")

            ActionGroup {
                id: themeGroup
            }
            Action {
                text: qsTr("Theme: Follow System")
                checkable: true
                checked: Theme.choice === StudioSettings.FollowSystem
                ActionGroup.group: themeGroup
                onTriggered: root.setThemeChoice(StudioSettings.FollowSystem)
            }
            Action {
                text: qsTr("Theme: Light")
                checkable: true
                checked: Theme.choice === StudioSettings.Light
                ActionGroup.group: themeGroup
                onTriggered: root.setThemeChoice(StudioSettings.Light)
            }
            Action {
                text: qsTr("Theme: Dark")
                checkable: true
                checked: Theme.choice === StudioSettings.Dark
                ActionGroup.group: themeGroup
                onTriggered: root.setThemeChoice(StudioSettings.Dark)
            }
            MenuSeparator {}
            Action {
                objectName: "toggleThemeAction"
                text: qsTr("Switch Light/Dark")
                shortcut: "Ctrl+Shift+T"
                onTriggered: root.toggleTheme()
            }
        }
    }

    Shortcut {
        sequence: "Ctrl+R"
        onActivated: controller.run()
    }
    Shortcut {
        sequence: "Space"
        onActivated: controller.togglePause()
    }
    Shortcut {
        sequences: ["Right", "Ctrl+."]
        onActivated: controller.step()
    }
    Shortcut {
        sequence: "Left"
        onActivated: controller.stepCursor(-1)
    }
    Shortcut {
        sequence: "Esc"
        onActivated: controller.stop()
    }
    Shortcut {
        sequences: ["Ctrl++", "Ctrl+="]
        onActivated: controller.speedUp()
    }
    Shortcut {
        sequence: "Ctrl+-"
        onActivated: controller.speedDown()
    }

    header: RunToolBar {
        runState: controller.state
        speed: controller.speed
        speedSteps: controller.speedSteps
        elapsedSeconds: controller.elapsedSeconds
        durationSeconds: controller.durationSeconds
        canRun: controller.scenarioLoaded
        onRunRequested: controller.run()
        onPauseRequested: controller.pause()
        onResumeRequested: controller.resume()
        onStepRequested: controller.step()
        onStopRequested: controller.stop()
        onSimulateRequested: controller.simulate()
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
            // The design view has its own Open and Recent files, and needs the width.
            visible: pageBar.currentIndex === 0
            Layout.preferredWidth: Theme.sidePaneWidth
            Layout.maximumWidth: Theme.sidePaneWidth
            Layout.fillHeight: true
            onScenarioChosen: (path) => controller.load(path)
        }

        ColumnLayout {
            spacing: Theme.spacing
            // The pages' implicit widths depend on their width (wrapped text), so the width this
            // column gets must not depend on them: it takes whatever the side panes leave. Else
            // showing a side pane again makes the row's layout loop.
            Layout.preferredWidth: 0
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
                        objectName: "designTab"
                        text: qsTr("Design")
                    }
                    TabButton {
                        objectName: "compareTab"
                        text: qsTr("Compare")
                    }
                    TabButton {
                        objectName: "sweepTab"
                        text: qsTr("Sweep")
                    }
                    TabButton {
                        objectName: "streamsTab"
                        text: qsTr("Streams")
                    }
                }
                ExportMenu {
                    controller: controller
                    window: root
                    chartRoot: runPage
                }
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
                    theory: insightColumn.theory
                }
                DesignPage {
                    id: designPage
                    objectName: "designPage"
                    controller: controller
                    onRunRequested: pageBar.currentIndex = 0
                }
                ComparePage {
                    objectName: "comparePage"
                    controller: controller
                }
                SweepPage {
                    objectName: "sweepPage"
                    controller: controller
                    onConfigurationLoaded: pageBar.currentIndex = 0
                }
                StreamPage {
                    objectName: "streamPage"
                    controller: controller
                }
            }
        }

        InsightColumn {
            id: insightColumn
            objectName: "insightColumn"
            controller: controller
            // A picked event moves the replay's time cursor to that moment.
            onJumpRequested: (seconds) => controller.cursorSeconds = seconds
            visible: pageBar.currentIndex === 0
            Layout.preferredWidth: Theme.sidePaneWidth * 0.85
            Layout.minimumWidth: Theme.sidePaneWidth * 0.75
            Layout.maximumWidth: Theme.sidePaneWidth * 0.85
            Layout.fillHeight: true
        }
    }
}
