import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtCharts
import Goflow.Studio

// The design view: build or edit a scenario, open and save it, and hand it to the run view.
// The topology is on the left, the selected element's parameters in the middle, and the load of
// the selected request class with a preview of its offered rate on the right.
ColumnLayout {
    id: page

    required property StudioController controller
    readonly property alias document: document
    // Set once the user confirmed closing the window with unsaved changes.
    property bool closeConfirmed: false
    // What to do after the unsaved-changes prompt or the Save As dialog succeeds.
    property var pendingAction: null

    // Asked to run the scenario; the window switches to the run view.
    signal runRequested()

    // Runs `action` at once when the document has no unsaved changes, otherwise after the user
    // saves or discards them.
    function afterSavingChanges(action) {
        if (!document.dirty) {
            action();
            return;
        }
        pendingAction = action;
        unsavedDialog.open();
    }

    // Saves to the document's file, or asks for one; then runs `action` if given.
    function save(action) {
        if (document.path.length === 0) {
            saveAs(action);
            return;
        }
        if (document.save() && action)
            action();
    }

    function saveAs(action) {
        pendingAction = action ?? null;
        saveDialog.open();
    }

    function openFile() {
        afterSavingChanges(() => openDialog.open());
    }

    function newDocument() {
        afterSavingChanges(() => document.newDocument());
    }

    function openRecent(path) {
        afterSavingChanges(() => document.open(path));
    }

    // Called from the window's onClosing: holds the close back while there are unsaved changes.
    function confirmClose(close) {
        if (!document.dirty || closeConfirmed)
            return;
        close.accepted = false;
        afterSavingChanges(() => {
            page.closeConfirmed = true;
            Window.window.close();
        });
    }

    function runScenario() {
        if (controller.loadScenarioText(document.toJson(), document.directory, document.path))
            page.runRequested();
    }

    function refreshPreview() {
        previewChart.setAxis(previewAxisX, Math.max(preview.durationSeconds, 1));
        previewChart.setAxis(previewAxisY, Math.max(preview.peakRate * 1.1, 1));
        preview.update(previewSeries);
    }

    spacing: Theme.smallSpacing

    // The window's Space shortcut pauses and resumes a run. On this page Space clicks the focused
    // button instead, as keyboard users expect. Text fields accept Space already.
    Keys.onShortcutOverride: (event) => {
        event.accepted = event.key === Qt.Key_Space && event.modifiers === Qt.NoModifier;
    }

    // Follows the scenario chosen for the run view while the document has no unsaved changes, so
    // the design view starts from the scenario on screen.
    function followController() {
        if (!document.dirty && controller.scenarioPath.length > 0
                && controller.scenarioPath !== document.path)
            document.open(controller.scenarioPath, false);
    }

    Component.onCompleted: {
        followController();
        refreshPreview();
    }

    Connections {
        target: page.controller
        function onScenarioChanged() { page.followController(); }
    }

    ScenarioDocument {
        id: document
        objectName: "scenarioDocument"
    }
    LoadPreview {
        id: preview
        document: document
        classIndex: document.selectedClass
        onPreviewChanged: page.refreshPreview()
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: page.newDocument()
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: page.openFile()
    }
    Shortcut {
        sequence: "Ctrl+S"
        onActivated: page.save()
    }
    Shortcut {
        sequence: "Ctrl+Shift+S"
        onActivated: page.saveAs()
    }

    FileDialog {
        id: openDialog
        objectName: "openDialog"
        title: qsTr("Open scenario")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Scenario files (*.json)"), qsTr("All files (*)")]
        currentFolder: document.dialogFolder(page.controller.scenarioPath)
        onAccepted: document.open(selectedFile)
    }
    FileDialog {
        id: saveDialog
        title: qsTr("Save scenario as")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "json"
        nameFilters: [qsTr("Scenario files (*.json)")]
        currentFolder: document.dialogFolder(page.controller.scenarioPath)
        onAccepted: {
            const action = page.pendingAction;
            page.pendingAction = null;
            if (document.saveAs(selectedFile) && action)
                action();
        }
        onRejected: page.pendingAction = null
    }
    Dialog {
        id: unsavedDialog
        objectName: "unsavedDialog"
        title: qsTr("Unsaved changes")
        modal: true
        anchors.centerIn: Overlay.overlay
        standardButtons: Dialog.Save | Dialog.Discard | Dialog.Cancel
        width: Theme.dialogWidth

        Label {
            width: unsavedDialog.availableWidth
            text: qsTr("“%1” has changes that are not saved. Save them first?")
                  .arg(document.displayName)
            wrapMode: Text.Wrap
        }

        onAccepted: {
            const action = page.pendingAction;
            page.pendingAction = null;
            page.save(action);
        }
        onDiscarded: {
            const action = page.pendingAction;
            page.pendingAction = null;
            unsavedDialog.close();
            if (action)
                action();
        }
        onRejected: page.pendingAction = null
    }

    // File commands, the document's name and the hand-over to the run view.
    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true

        Button {
            text: qsTr("New")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Start a new scenario from a small template (Ctrl+N).")
            ToolTip.delay: 500
            onClicked: page.newDocument()
        }
        Button {
            text: qsTr("Open…")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Open a scenario file for editing (Ctrl+O).")
            ToolTip.delay: 500
            onClicked: page.openFile()
        }
        Button {
            id: recentButton
            objectName: "recentButton"
            text: qsTr("Recent files")
            enabled: document.recentFiles.length > 0
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Open one of the last scenario files you opened or saved.")
            ToolTip.delay: 500
            onClicked: {
                document.pruneRecentFiles();
                recentMenu.open();
            }

            Menu {
                id: recentMenu
                y: recentButton.height

                Instantiator {
                    model: document.recentFiles
                    delegate: MenuItem {
                        required property string modelData
                        text: modelData
                        onTriggered: page.openRecent(modelData)
                    }
                    onObjectAdded: (index, object) => recentMenu.insertItem(index, object)
                    onObjectRemoved: (index, object) => recentMenu.removeItem(object)
                }
                MenuSeparator {}
                MenuItem {
                    text: qsTr("Clear recent files")
                    onTriggered: document.clearRecentFiles()
                }
            }
        }
        Button {
            text: qsTr("Save")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Save the scenario to its file (Ctrl+S).")
            ToolTip.delay: 500
            onClicked: page.save()
        }
        Button {
            text: qsTr("Save As…")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Save the scenario to a new file (Ctrl+Shift+S).")
            ToolTip.delay: 500
            onClicked: page.saveAs()
        }
        Label {
            objectName: "documentTitle"
            text: (document.dirty ? "● " : "") + document.displayName
            color: Theme.text
            font.pixelSize: Theme.fontSize
            font.bold: true
            elide: Text.ElideMiddle
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            ToolTip.visible: titleHover.hovered && document.path.length > 0
            ToolTip.text: document.path
            ToolTip.delay: 500

            HoverHandler {
                id: titleHover
            }
        }
        Button {
            objectName: "runScenarioButton"
            text: qsTr("Run this scenario")
            highlighted: true
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Load the edited scenario into the run view and switch to it.")
            ToolTip.delay: 500
            onClicked: page.runScenario()
        }
    }

    Rectangle {
        visible: document.errorMessage.length > 0
        color: Theme.errorBackground
        border.color: Theme.rejected
        radius: Theme.radius
        implicitHeight: documentErrorRow.implicitHeight + Theme.spacing
        Layout.fillWidth: true

        RowLayout {
            id: documentErrorRow
            anchors.fill: parent
            anchors.margins: Theme.smallSpacing

            Label {
                objectName: "documentError"
                text: document.errorMessage
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Dismiss")
                onClicked: document.clearError()
            }
        }
    }

    RowLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true
        Layout.fillHeight: true

        TopologyPane {
            topology: document.topology
            selectedClass: document.selectedClass
            selectedClassName: document.selectedClassName
            classCount: document.classCount
            Layout.preferredWidth: Theme.topologyWidth
            Layout.fillHeight: true
        }

        ParameterPane {
            objectName: "inspector"
            title: document.inspector.title
            hint: qsTr("Hover a name for what it does. Press Enter to apply a value.")
            parameters: document.inspector
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1
        }

        Rectangle {
            color: Theme.panel
            border.color: Theme.border
            radius: Theme.radius
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.smallSpacing
                spacing: Theme.smallSpacing

                ParameterPane {
                    objectName: "loadEditor"
                    title: document.classCount <= 1
                           ? qsTr("Load")
                           : document.selectedClassName.length > 0
                             ? qsTr("Load of “%1”").arg(document.selectedClassName)
                             : qsTr("Load of class %1").arg(document.selectedClass + 1)
                    hint: qsTr("The requests the selected client sends.")
                    parameters: document.loadParameters
                    flat: true
                    Layout.fillWidth: true
                    Layout.preferredHeight: Theme.loadFormHeight
                }

                Label {
                    text: preview.emptyText.length > 0
                          ? preview.emptyText
                          : qsTr("Offered load: about %1 requests over %2 s, peak %3 requests/s")
                            .arg(Math.round(preview.totalRequests).toLocaleString(Qt.locale(), "f", 0))
                            .arg(preview.durationSeconds.toLocaleString(Qt.locale(), "f", 1))
                            .arg(preview.peakRate.toLocaleString(Qt.locale(), "f", 1))
                    color: Theme.mutedText
                    font.pixelSize: Theme.smallFontSize
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }

                ChartView {
                    id: previewChart
                    objectName: "loadPreviewChart"

                    readonly property alias series: previewSeries

                    // Sets an axis range and tick step without ever asking for thousands of ticks.
                    function setAxis(axis, max) {
                        const raw = Math.max(max, 1e-9) / 5;
                        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
                        const fraction = raw / magnitude;
                        const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10)
                                     * magnitude;
                        if (step >= axis.tickInterval) {
                            axis.tickInterval = step;
                            axis.max = max;
                        } else {
                            axis.max = max;
                            axis.tickInterval = step;
                        }
                    }

                    antialiasing: true
                    backgroundColor: Theme.chartBackground
                    plotAreaColor: Theme.chartPlotArea
                    legend.visible: false
                    backgroundRoundness: Theme.radius
                    margins.top: 2
                    margins.bottom: 2
                    margins.left: 2
                    margins.right: 2
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: Theme.previewMinimumHeight

                    ValueAxis {
                        id: previewAxisX
                        min: 0
                        max: 1
                        color: Theme.chartAxisLine
                        labelsColor: Theme.chartAxisLabel
                        gridLineColor: Theme.chartGrid
                        titleBrush: Theme.chartAxisLabel
                        titleText: qsTr("time (s)")
                        labelFormat: "%.0f"
                        tickType: ValueAxis.TicksDynamic
                        tickAnchor: 0
                        tickInterval: 1
                    }
                    ValueAxis {
                        id: previewAxisY
                        min: 0
                        max: 1
                        color: Theme.chartAxisLine
                        labelsColor: Theme.chartAxisLabel
                        gridLineColor: Theme.chartGrid
                        titleBrush: Theme.chartAxisLabel
                        titleText: qsTr("requests/s")
                        labelFormat: "%.0f"
                        tickType: ValueAxis.TicksDynamic
                        tickAnchor: 0
                        tickInterval: 1
                    }
                    LineSeries {
                        id: previewSeries
                        objectName: "loadPreviewSeries"
                        name: qsTr("offered load")
                        axisX: previewAxisX
                        axisY: previewAxisY
                        color: Theme.accent
                        width: 2
                    }
                }
            }
        }
    }
}
