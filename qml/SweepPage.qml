import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Goflow.Studio

// A parameter sweep of the loaded scenario: the inputs on the left, the result on the right as a
// line chart (one parameter) and a grid of cells coloured by the chosen metric.
RowLayout {
    id: root

    required property StudioController controller
    readonly property alias sweep: sweep

    // Emitted after a cell's configuration was loaded into the controller.
    signal configurationLoaded()

    // Returns 1, 2 or 5 times a power of ten, so that `span` shows about five ticks.
    function niceStep(span) {
        const raw = Math.max(span, 1e-9) / 5;
        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        const fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    // Sets an axis range and its tick step in the order that never asks the chart for more
    // than a handful of ticks: a range grown before its step would briefly need many.
    function setAxis(axis, min, max, step) {
        if (step >= axis.tickInterval) {
            axis.tickInterval = step;
            axis.min = min;
            axis.max = max;
        } else {
            axis.min = min;
            axis.max = max;
            axis.tickInterval = step;
        }
    }

    function refreshLine() {
        if (sweep.resultDimensions !== 1)
            return;
        // A margin of 5% on both sides keeps the end markers inside the plot.
        const low = sweep.lineMinX();
        const high = sweep.lineMaxX();
        const margin = (high - low) * 0.05;
        axisX.tickAnchor = low;
        setAxis(axisX, low - margin, high + margin, niceStep(high - low));
        setAxis(axisY, 0, sweep.lineMaxY(), niceStep(sweep.lineMaxY()));
        sweep.updateLine(lineSeries, targetSeries);
    }

    // Mixes the good and the bad colour of the theme: 0 is the best cell, 1 the worst.
    function cellColor(badness) {
        const good = Theme.admitted;
        const bad = Theme.rejected;
        return Qt.rgba(good.r + (bad.r - good.r) * badness,
                       good.g + (bad.g - good.g) * badness,
                       good.b + (bad.b - good.b) * badness, 0.45);
    }

    spacing: Theme.spacing

    SweepController {
        id: sweep
        objectName: "sweepController"
        controller: root.controller
        onResultChanged: root.refreshLine()
        onMetricChanged: root.refreshLine()
        onTargetChanged: root.refreshLine()
    }

    Rectangle {
        color: Theme.panel
        border.color: Theme.border
        radius: Theme.radius
        Layout.preferredWidth: Theme.sidePaneWidth
        Layout.fillHeight: true

        ScrollView {
            id: inputScroll
            anchors.fill: parent
            anchors.margins: Theme.spacing
            clip: true
            contentWidth: availableWidth

            ColumnLayout {
                width: inputScroll.availableWidth
                spacing: Theme.smallSpacing

                Label {
                    text: qsTr("Parameter 1")
                    font.bold: true
                }
                ComboBox {
                    id: firstBox
                    objectName: "firstParameterBox"
                    model: sweep.parameters
                    textRole: "label"
                    valueRole: "key"
                    currentIndex: count > 0 ? indexOfValue(sweep.firstParameter) : -1
                    Layout.fillWidth: true
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("The scenario parameter whose values make the rows of the result.")
                    onActivated: {
                        sweep.firstParameter = currentValue;
                        sweep.firstRange = sweep.suggestedRange(currentValue);
                    }
                }
                TextField {
                    objectName: "firstRangeField"
                    text: sweep.firstRange
                    placeholderText: qsTr("e.g. 2..16, 2..16:2 or 50,100,200")
                    Layout.fillWidth: true
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("The values to try: FROM..TO in steps of 1, FROM..TO:STEP, or a comma-separated list.")
                    onTextEdited: sweep.firstRange = text
                }

                Label {
                    text: qsTr("Parameter 2 (optional)")
                    font.bold: true
                    Layout.topMargin: Theme.smallSpacing
                }
                ComboBox {
                    id: secondBox
                    objectName: "secondParameterBox"
                    model: [{ "key": "", "label": qsTr("None: sweep one parameter") }]
                           .concat(sweep.parameters)
                    textRole: "label"
                    valueRole: "key"
                    currentIndex: count > 0 ? indexOfValue(sweep.secondParameter) : -1
                    Layout.fillWidth: true
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("A second parameter whose values make the columns of a grid; None gives a line chart.")
                    onActivated: {
                        sweep.secondParameter = currentValue;
                        sweep.secondRange = currentValue.length > 0
                                            ? sweep.suggestedRange(currentValue) : "";
                    }
                }
                TextField {
                    objectName: "secondRangeField"
                    text: sweep.secondRange
                    enabled: sweep.secondParameter.length > 0
                    placeholderText: qsTr("e.g. 50,100,200")
                    Layout.fillWidth: true
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("The values of the second parameter, in the same forms as the first.")
                    onTextEdited: sweep.secondRange = text
                }

                Label {
                    text: qsTr("Target")
                    font.bold: true
                    Layout.topMargin: Theme.smallSpacing
                }
                RowLayout {
                    spacing: Theme.smallSpacing
                    CheckBox {
                        id: latencyCheck
                        text: qsTr("p99 latency under")
                        checked: sweep.latencyTargetEnabled
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("Marks only combinations whose whole-run p99 latency is below this many milliseconds.")
                        onToggled: sweep.latencyTargetEnabled = checked
                    }
                    TextField {
                        text: sweep.latencyTargetMs
                        enabled: latencyCheck.checked
                        validator: DoubleValidator { bottom: 0; locale: "C" }
                        inputMethodHints: Qt.ImhFormattedNumbersOnly
                        Layout.preferredWidth: Theme.fontSize * 5
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The p99 latency limit in milliseconds.")
                        onEditingFinished: sweep.latencyTargetMs = Number(text)
                    }
                    Label {
                        text: qsTr("ms")
                    }
                }
                RowLayout {
                    spacing: Theme.smallSpacing
                    CheckBox {
                        id: rejectedCheck
                        text: qsTr("Rejections under")
                        checked: sweep.rejectedTargetEnabled
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("Marks only combinations that reject less than this share of attempts, by limiter or full queue.")
                        onToggled: sweep.rejectedTargetEnabled = checked
                    }
                    TextField {
                        text: sweep.rejectedTargetPercent
                        enabled: rejectedCheck.checked
                        validator: DoubleValidator { bottom: 0; top: 100; locale: "C" }
                        inputMethodHints: Qt.ImhFormattedNumbersOnly
                        Layout.preferredWidth: Theme.fontSize * 5
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("The rejection limit in percent of attempts.")
                        onEditingFinished: sweep.rejectedTargetPercent = Number(text)
                    }
                    Label {
                        text: qsTr("%")
                    }
                }

                Label {
                    text: qsTr("Show")
                    font.bold: true
                    Layout.topMargin: Theme.smallSpacing
                }
                ComboBox {
                    objectName: "metricBox"
                    model: [
                        { "value": SweepController.LatencyP99, "text": qsTr("p99 latency (ms)") },
                        { "value": SweepController.LatencyP50, "text": qsTr("p50 latency (ms)") },
                        { "value": SweepController.RejectedPercent, "text": qsTr("Rejected (% of attempts)") },
                        { "value": SweepController.CompletedPercent, "text": qsTr("Completed (% of offered)") },
                        { "value": SweepController.MaxQueueDepth, "text": qsTr("Max queue depth") },
                        { "value": SweepController.Throughput, "text": qsTr("Throughput (per s)") }
                    ]
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: count > 0 ? indexOfValue(sweep.metric) : -1
                    Layout.fillWidth: true
                    ToolTip.visible: hovered
                    ToolTip.delay: 500
                    ToolTip.text: qsTr("The result number that the chart plots and the grid colours by.")
                    onActivated: sweep.metric = currentValue
                }

                Label {
                    objectName: "validationLabel"
                    text: sweep.validationError.length > 0
                          ? sweep.validationError
                          : qsTr("%n combination(s), at most %1 per sweep.", "", sweep.combinationCount)
                            .arg(sweep.maxCombinations)
                    color: sweep.validationError.length > 0 ? Theme.rejected : Theme.mutedText
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                    Layout.topMargin: Theme.smallSpacing
                }
                RowLayout {
                    spacing: Theme.smallSpacing
                    Button {
                        objectName: "runSweepButton"
                        text: qsTr("Run sweep")
                        enabled: !sweep.running && sweep.validationError.length === 0
                        highlighted: true
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("Runs the scenario once per combination, in the background.")
                        onClicked: sweep.start()
                    }
                    Button {
                        text: qsTr("Cancel")
                        enabled: sweep.running
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("Stops the sweep; finished combinations are discarded.")
                        onClicked: sweep.cancel()
                    }
                }
                ProgressBar {
                    visible: sweep.running
                    from: 0
                    to: Math.max(1, sweep.total)
                    value: sweep.done
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "statusLabel"
                    text: sweep.running
                          ? qsTr("%1 of %2 combinations done").arg(sweep.done).arg(sweep.total)
                          : sweep.statusText
                    color: sweep.statusIsError ? Theme.rejected : Theme.text
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
            }
        }
    }

    ColumnLayout {
        spacing: Theme.smallSpacing
        Layout.fillWidth: true
        Layout.fillHeight: true

        Label {
            text: sweep.resultDimensions === 0
                  ? qsTr("Choose one or two parameters and their values on the left, then run the sweep. Each combination runs the loaded scenario to its end.")
                  : qsTr("Click a cell to load that configuration into the Run tab. Colour: green is the best value of this sweep, red the worst. ✓ and an outline mark combinations that meet the target.")
            color: Theme.mutedText
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            Layout.preferredWidth: 0  // wrap to the page instead of widening it
        }

        Label {
            visible: sweep.resultDimensions === 2
            text: qsTr("Rows: %1 · columns: %2 · cells: %3")
                  .arg(sweep.resultRowParameter).arg(sweep.resultColumnParameter)
                  .arg(sweep.metricName)
            font.bold: true
            elide: Text.ElideRight
            Layout.fillWidth: true
            Layout.preferredWidth: 0
        }

        RowLayout {
            spacing: Theme.spacing
            Layout.fillWidth: true
            Layout.fillHeight: true

            ChartView {
                id: lineChart
                objectName: "sweepLineChart"
                visible: sweep.resultDimensions === 1
                antialiasing: true
                legend.alignment: Qt.AlignTop
                title: qsTr("%1 by %2").arg(sweep.metricName).arg(sweep.resultRowParameter)
                backgroundRoundness: Theme.radius
                Layout.fillWidth: true
                Layout.fillHeight: true

                ValueAxis {
                    id: axisX
                    min: 0
                    max: 1
                    titleText: sweep.resultRowParameter
                    labelFormat: "%g"
                    tickType: ValueAxis.TicksDynamic
                    tickAnchor: 0
                    tickInterval: 1
                }
                ValueAxis {
                    id: axisY
                    min: 0
                    max: 1
                    titleText: sweep.metricName
                    labelFormat: "%g"
                    tickType: ValueAxis.TicksDynamic
                    tickAnchor: 0
                    tickInterval: 1
                }
                LineSeries {
                    id: lineSeries
                    name: sweep.metricName
                    axisX: axisX
                    axisY: axisY
                    color: Theme.tokens
                    width: 2
                }
                ScatterSeries {
                    id: targetSeries
                    name: qsTr("meets the target")
                    axisX: axisX
                    axisY: axisY
                    color: Theme.admitted
                    borderColor: Theme.admitted
                    markerSize: Theme.fontSize
                }
            }

            GridLayout {
                visible: sweep.resultDimensions > 0
                columns: 2
                rowSpacing: 0
                columnSpacing: 0
                Layout.fillWidth: sweep.resultDimensions === 2
                Layout.fillHeight: true
                // One column beside the chart, or the whole width for a grid.
                Layout.preferredWidth: sweep.resultDimensions === 1
                                       ? rowHeader.width + Theme.fontSize * 12 : -1

                Item {
                    implicitWidth: rowHeader.implicitWidth
                    implicitHeight: columnHeader.implicitHeight
                }
                HorizontalHeaderView {
                    id: columnHeader
                    syncView: table
                    clip: true
                    Layout.fillWidth: true
                }
                VerticalHeaderView {
                    id: rowHeader
                    syncView: table
                    clip: true
                    Layout.fillHeight: true
                }
                TableView {
                    id: table
                    objectName: "sweepTable"
                    model: sweep.grid
                    clip: true
                    columnSpacing: 2
                    rowSpacing: 2
                    boundsBehavior: Flickable.StopAtBounds
                    columnWidthProvider: () => sweep.resultDimensions === 1 ? Theme.fontSize * 11
                                                                            : Theme.fontSize * 7
                    rowHeightProvider: () => Theme.fontSize * 2.4
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    ScrollBar.horizontal: ScrollBar {}
                    ScrollBar.vertical: ScrollBar {}

                    delegate: Rectangle {
                        id: cell
                        required property int row
                        required property int column
                        required property string display
                        required property real badness
                        required property bool meetsTarget

                        color: cellMouse.containsMouse ? Theme.selection : root.cellColor(badness)
                        border.color: meetsTarget ? Theme.text : Theme.border
                        border.width: meetsTarget ? 2 : 1
                        radius: 2

                        Label {
                            anchors.centerIn: parent
                            text: cell.meetsTarget ? qsTr("✓ %1").arg(cell.display) : cell.display
                            font.bold: cell.meetsTarget
                        }
                        MouseArea {
                            id: cellMouse
                            anchors.fill: parent
                            hoverEnabled: true
                            cursorShape: Qt.PointingHandCursor
                            onClicked: {
                                if (sweep.loadCell(cell.row, cell.column))
                                    root.configurationLoaded();
                            }
                        }
                        ToolTip.visible: cellMouse.containsMouse
                        ToolTip.delay: 500
                        ToolTip.text: qsTr("Loads this configuration into the Run tab.")
                    }
                }
            }
        }
    }
}
