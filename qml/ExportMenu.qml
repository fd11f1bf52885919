import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Goflow.Studio

// The Export button: charts or the window as PNG, the run's samples as CSV, its summary as
// JSON, and the scenario's libgoflow configuration as C++. Each export asks for a file name.
RowLayout {
    id: root

    required property StudioController controller
    required property Window window
    // The item that contains the charts named "tokenChart" and "queueChart".
    required property Item chartRoot
    readonly property Exporter exporter: exporter

    // Asks for a file name and runs `action` ("tokenChart", "queueChart", "window", "csv",
    // "json" or "cpp") with it.
    function choose(action, title, filter, suffix) {
        fileDialog.action = action;
        fileDialog.title = title;
        fileDialog.nameFilters = [filter];
        fileDialog.defaultSuffix = suffix;
        fileDialog.open();
    }

    function exportTo(action, file) {
        if (action === "csv")
            return exporter.exportCsv(file);
        if (action === "json")
            return exporter.exportJson(file);
        if (action === "cpp")
            return exporter.exportSnippet(file);
        if (action === "window")
            return exporter.saveWindow(root.window, file);
        const chart = exporter.findItem(root.chartRoot, action);
        if (chart === null)
            return false;  // findItem() set lastError
        return chart.grabToImage((result) => exporter.saveImage(result.image, file));
    }

    spacing: Theme.smallSpacing

    Exporter {
        id: exporter
        objectName: "exporter"
        controller: root.controller
    }

    Label {
        text: exporter.lastError.length > 0
              ? exporter.lastError
              : exporter.lastSavedPath.length > 0 ? qsTr("Saved %1").arg(exporter.lastSavedPath)
                                                   : ""
        color: exporter.lastError.length > 0 ? Theme.rejected : Theme.mutedText
        font.pixelSize: Theme.smallFontSize
        elide: Text.ElideLeft
        Layout.maximumWidth: 420
    }

    Button {
        id: exportButton
        objectName: "exportButton"
        text: qsTr("Export")
        enabled: root.controller.scenarioLoaded
        onClicked: exportMenu.open()
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: qsTr("Saves a chart, the window, the run's data or the scenario as C++.")

        Menu {
            id: exportMenu
            // Right-aligned under the button, which sits at the window's right edge.
            x: exportButton.width - width
            y: exportButton.height
            width: 300

            MenuItem {
                text: qsTr("Limiter chart as PNG…")
                enabled: root.controller.hasLimiter
                onTriggered: root.choose("tokenChart", qsTr("Save the limiter chart"),
                                         qsTr("PNG images (*.png)"), "png")
            }
            MenuItem {
                text: qsTr("Queue chart as PNG…")
                onTriggered: root.choose("queueChart", qsTr("Save the queue chart"),
                                         qsTr("PNG images (*.png)"), "png")
            }
            MenuItem {
                text: qsTr("Window as PNG…")
                onTriggered: root.choose("window", qsTr("Save the window"),
                                         qsTr("PNG images (*.png)"), "png")
            }
            MenuSeparator {}
            MenuItem {
                text: qsTr("Time series as CSV…")
                enabled: exporter.hasRun
                // A long run keeps only its newest samples, and the title says so.
                onTriggered: root.choose("csv",
                                         root.controller.keptSampleCount < root.controller.sampleCount
                                         ? qsTr("Save the run's newest %1 samples")
                                           .arg(root.controller.keptSampleCount)
                                         : qsTr("Save the run's samples"),
                                         qsTr("CSV files (*.csv)"), "csv")
            }
            MenuItem {
                text: qsTr("Summary as JSON…")
                enabled: exporter.hasRun
                onTriggered: root.choose("json", qsTr("Save the run's summary"),
                                         qsTr("JSON files (*.json)"), "json")
            }
            MenuSeparator {}
            MenuItem {
                text: qsTr("libgoflow configuration as C++…")
                onTriggered: root.choose("cpp", qsTr("Save the scenario as C++"),
                                         qsTr("C++ files (*.cpp)"), "cpp")
            }
        }
    }

    FileDialog {
        id: fileDialog

        property string action

        fileMode: FileDialog.SaveFile
        onAccepted: root.exportTo(action, selectedFile.toString())
    }
}
