import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Goflow.Studio

// A line chart of several metrics with a header (title, station selector, axis controls), a
// readout of every series at the time cursor, and a vertical marker at the cursor.
// The series are created once from `seriesSpecs`; refresh() swaps their points in from C++.
Rectangle {
    id: panel

    required property ChartFeeder feeder
    required property StudioController controller
    property string title
    property string valueTitle
    // One entry per series: { metric, name, color, and optionally dashed (a reference line),
    // dotted (a data line drawn over another that often has the same values), decimals }.
    property var seriesSpecs: []
    // Shows a station selector; the metrics then take the chosen station (0 is the pool).
    property bool stationSelectable: false
    readonly property int station: stationSelectable ? Math.max(0, stationBox.currentIndex) : 0
    // Live parameter changes drawn as vertical lines (see ChartMarkers).
    property var markers: []
    property string emptyText
    // The series created for seriesSpecs, in the same order.
    property var seriesObjects: []
    // Each series' value at the cursor, as shown in the readout.
    property var readoutValues: []
    readonly property alias axes: axes
    readonly property alias chartView: chart
    // Set when a refresh was skipped because the panel was hidden (a page not shown); the panel
    // catches up as soon as it is shown again.
    property bool stale: false
    // Set when the scene graph renders with OpenGL. Most series then draw with OpenGL when the
    // scene graph renders, so that Qt Charts does not paint them into its scene image on the GUI
    // thread after every refresh. The offscreen and software back ends have no OpenGL.
    // NOTE: with useOpenGL set before the window's first frame, Qt Charts 6.4 under the threaded
    // render loop (xcb, Mesa llvmpipe) sometimes stopped updating a chart for good: the scene
    // image kept its first content and the OpenGL series were never drawn. That happened in two
    // of 13 runs of tst_studio_live_smoke, both with the CPU contended, and in none of 12 such
    // runs with the switch deferred, so the series switch only after the first frame. The cause
    // in Qt Charts is not known.
    readonly property bool openGLSeries: windowRendered && GraphicsInfo.api === GraphicsInfo.OpenGL
    // Set once the window has shown a frame.
    property bool windowRendered: false

    // Swaps the current points into every series. A hidden panel only notes that it is stale,
    // so that the charts of pages not shown cost nothing while a run goes.
    function refresh() {
        if (seriesObjects.length !== seriesSpecs.length)
            return;
        if (!visible) {
            stale = true;
            return;
        }
        stale = false;
        let top = 0;
        for (let i = 0; i < seriesSpecs.length; ++i) {
            const spec = seriesSpecs[i];
            if (spec.theory !== undefined) {
                // A queueing-theory line holds for the pool only, and only where theory applies.
                if (spec.theory === null || !spec.theory.available || station !== 0) {
                    seriesObjects[i].clear();
                } else {
                    spec.theory.updateSeries(seriesObjects[i], spec.line, feeder.timeSpan());
                    top = Math.max(top, theoryValue(spec));
                }
                continue;
            }
            top = Math.max(top, feeder.update(seriesObjects[i], spec.metric, station));
        }
        axes.fit(feeder.timeStart(), feeder.timeSpan(), top);
        refreshReadout();
    }

    // Returns the predicted value of a theory series, or NaN where theory does not apply.
    function theoryValue(spec) {
        if (spec.theory === null || !spec.theory.available || station !== 0)
            return NaN;
        return spec.line === TheoryModel.MeanQueueLength ? spec.theory.meanQueueLength
                                                         : spec.theory.meanWaitMs;
    }

    function refreshReadout() {
        const values = [];
        for (const spec of seriesSpecs) {
            const value = spec.theory !== undefined ? theoryValue(spec)
                                                    : feeder.valueAt(spec.metric, station);
            values.push(isNaN(value) ? qsTr("–")
                                     : Number(value).toLocaleString(Qt.locale(), "f",
                                                                    spec.decimals ?? 0));
        }
        readoutValues = values;
    }

    // Sets an axis range and its tick step without ever asking the chart for more than a few
    // hundred ticks, since a range grown before its step could briefly need millions. The last
    // change is a range change, because Qt Charts 6.4 lays the labels out again after a range
    // change but keeps a stale layout after a change of the tick step alone.
    function applyAxis(axis, min, max, tick) {
        const union = Math.max(axis.max, max) - Math.min(axis.min, min);
        const rangeChanges = axis.min !== min || axis.max !== max;
        if (union / tick <= 200 && rangeChanges) {
            axis.tickInterval = tick;
            axis.min = min;
            axis.max = max;
            return;
        }
        if (!rangeChanges && axis.tickInterval === tick)
            return;
        // A jump far from the current range, or a new step alone: pass through a step as wide as
        // both ranges, then nudge the range so that the final step is laid out.
        axis.tickInterval = Math.max(union, tick);
        axis.min = min;
        axis.max = max + (max - min) * 1e-6;
        axis.tickInterval = tick;
        axis.max = max;
    }

    function applyRange() {
        applyAxis(axisX, axes.xMin, axes.xMax, axes.xTick);
        applyAxis(axisY, axes.yMin, axes.yMax, axes.yTick);
    }

    // Returns the number typed in `text` in the user's locale, or NaN.
    function parseNumber(text) {
        try {
            return Number.fromLocaleString(Qt.locale(), text);
        } catch (error) {
            return NaN;
        }
    }

    function formatNumber(value) {
        return Number(value).toLocaleString(Qt.locale(), "g", 6);
    }

    // Returns whether series `index` of seriesSpecs draws with OpenGL. Qt Charts 6.4 draws such a
    // series as a solid line, ignoring its pen style, and above every series of the scene image.
    // So dashed and dotted series stay in the image, and so does every series before a dotted
    // one, which the dotted series must be drawn over. A dashed reference line may end up below a
    // data line that reaches it.
    function drawsWithOpenGL(index) {
        if (!openGLSeries || seriesSpecs[index].dashed || seriesSpecs[index].dotted)
            return false;
        for (let i = index + 1; i < seriesSpecs.length; ++i) {
            if (seriesSpecs[i].dotted)
                return false;
        }
        return true;
    }

    function createSeries() {
        const created = [];
        for (let i = 0; i < seriesSpecs.length; ++i) {
            const spec = seriesSpecs[i];
            const series = chart.createSeries(ChartView.SeriesTypeLine, spec.name, axisX, axisY);
            series.color = spec.color;
            series.width = spec.dashed ? 1.5 : 2;
            if (spec.dashed)
                series.style = Qt.DashLine;
            else if (spec.dotted)
                series.style = Qt.DotLine;
            series.useOpenGL = drawsWithOpenGL(i);
            created.push(series);
        }
        seriesObjects = created;
    }

    implicitHeight: Theme.chartHeight
    radius: Theme.radius
    color: Theme.panel
    border.color: Theme.border

    Component.onCompleted: {
        createSeries();
        applyRange();
        refresh();
    }
    // The specs are rebuilt when a name or a theme colour changes; the series stay and take
    // the new name and colour.
    onSeriesSpecsChanged: {
        for (let i = 0; i < seriesObjects.length && i < seriesSpecs.length; ++i) {
            seriesObjects[i].name = seriesSpecs[i].name;
            seriesObjects[i].color = seriesSpecs[i].color;
        }
    }
    // Series created before the window's first frame switch to OpenGL here.
    onOpenGLSeriesChanged: {
        for (let i = 0; i < seriesObjects.length && i < seriesSpecs.length; ++i)
            seriesObjects[i].useOpenGL = drawsWithOpenGL(i);
    }
    onStationChanged: refresh()
    onVisibleChanged: if (visible && stale) refresh()

    Connections {
        target: panel.Window.window
        enabled: !panel.windowRendered
        function onFrameSwapped() {
            panel.windowRendered = true;
        }
    }

    ChartAxes {
        id: axes
        onRangeChanged: panel.applyRange()
        onFollowChanged: if (follow) panel.refresh()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.smallSpacing
        spacing: 2

        RowLayout {
            spacing: 2
            Layout.fillWidth: true

            Label {
                text: panel.title
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
                ToolTip.visible: titleHover.hovered && truncated
                ToolTip.text: panel.title
                HoverHandler {
                    id: titleHover
                }
            }
            ToolButton {
                text: qsTr("Follow")
                checkable: true
                checked: axes.follow
                font.pixelSize: Theme.smallFontSize
                onToggled: axes.follow = checked
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: checked
                              ? qsTr("The axes follow the data; click to keep the current range fixed.")
                              : qsTr("The axes stay where you set them; click to make them follow the data.")
            }
            ToolButton {
                text: qsTr("Axes…")
                font.pixelSize: Theme.smallFontSize
                onClicked: axesPopup.open()
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Opens fields to type a fixed time and value range for this chart.")
            }
            ToolButton {
                text: qsTr("Reset")
                enabled: !axes.follow
                font.pixelSize: Theme.smallFontSize
                onClicked: axes.reset()
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Drops the fixed range or zoom so the axes follow the data again.")
            }
        }

        RowLayout {
            spacing: Theme.smallSpacing
            Layout.fillWidth: true

            ComboBox {
                id: stationBox
                objectName: "stationBox"
                visible: panel.stationSelectable
                model: panel.controller.stationNames
                implicitContentWidthPolicy: ComboBox.WidestText
                font.pixelSize: Theme.smallFontSize
                Layout.maximumWidth: 190
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Chooses the worker pool or the pipeline stage this chart shows.")
            }
            Flow {
                // Hidden by opacity, not visibility: a row that changes height while the chart
                // lays itself out leaves Qt Charts 6.4 with a squashed plot area.
                opacity: panel.emptyText.length === 0 ? 1 : 0
                spacing: Theme.spacing
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignVCenter

                Repeater {
                    model: panel.seriesSpecs

                    Row {
                        required property var modelData
                        required property int index
                        spacing: 4

                        Rectangle {
                            width: 14
                            height: modelData.dashed ? 2 : 3
                            color: modelData.color
                            anchors.verticalCenter: parent.verticalCenter
                        }
                        Text {
                            text: qsTr("%1: %2").arg(modelData.name)
                                                 .arg(panel.readoutValues[index] ?? qsTr("–"))
                            color: Theme.text
                            font.pixelSize: Theme.smallFontSize
                        }
                    }
                }
            }
        }

        ChartView {
            id: chart
            antialiasing: true
            backgroundColor: Theme.chartBackground
            plotAreaColor: Theme.chartPlotArea
            titleColor: Theme.chartTitle
            legend.visible: false
            legend.labelColor: Theme.legendText
            backgroundRoundness: 0
            margins.top: 2
            margins.bottom: 2
            margins.left: 2
            margins.right: 2
            Layout.fillWidth: true
            Layout.fillHeight: true

            ValueAxis {
                id: axisX
                min: 0
                max: 1
                color: Theme.chartAxisLine
                labelsColor: Theme.chartAxisLabel
                gridLineColor: Theme.chartGrid
                minorGridLineColor: Theme.chartGrid
                titleBrush: Theme.chartAxisLabel
                titleText: qsTr("time (s)")
                titleFont.pixelSize: Theme.smallFontSize
                labelsFont.pixelSize: Theme.smallFontSize
                labelFormat: axes.xLabelFormat
                tickType: ValueAxis.TicksDynamic
                tickAnchor: 0
                tickInterval: 1
            }
            ValueAxis {
                id: axisY
                min: 0
                max: 1
                color: Theme.chartAxisLine
                labelsColor: Theme.chartAxisLabel
                gridLineColor: Theme.chartGrid
                minorGridLineColor: Theme.chartGrid
                titleBrush: Theme.chartAxisLabel
                titleText: panel.valueTitle
                titleFont.pixelSize: Theme.smallFontSize
                labelsFont.pixelSize: Theme.smallFontSize
                labelFormat: axes.yLabelFormat
                tickType: ValueAxis.TicksDynamic
                tickAnchor: 0
                tickInterval: 1
            }

            ChartMarkers {
                chart: chart
                axis: axisX
                markers: panel.markers
            }

            // The time cursor's marker line.
            Rectangle {
                readonly property real fraction: (panel.controller.cursorSeconds - axisX.min)
                                                 / Math.max(axisX.max - axisX.min, 1e-9)
                visible: panel.controller.sampleCount > 0 && fraction >= 0 && fraction <= 1
                x: chart.plotArea.x + fraction * chart.plotArea.width - width / 2
                y: chart.plotArea.y
                width: 1.5
                height: chart.plotArea.height
                color: Theme.cursor
                opacity: 0.7
            }

            MouseArea {
                anchors.fill: parent
                acceptedButtons: Qt.NoButton
                hoverEnabled: true
                onWheel: (wheel) => {
                    if (!(wheel.modifiers & Qt.ControlModifier)) {
                        wheel.accepted = false;
                        return;
                    }
                    const area = chart.plotArea;
                    const xFraction = (wheel.x - area.x) / Math.max(area.width, 1);
                    const yFraction = 1 - (wheel.y - area.y) / Math.max(area.height, 1);
                    axes.zoom(xFraction, yFraction, Math.pow(1.25, wheel.angleDelta.y / 120));
                }
                ToolTip.visible: containsMouse
                ToolTip.delay: 1500
                ToolTip.text: qsTr("Ctrl + mouse wheel zooms around the pointer and fixes the axes.")
            }

            Text {
                anchors.centerIn: parent
                visible: panel.emptyText.length > 0
                text: panel.emptyText
                color: Theme.mutedText
                font.pixelSize: Theme.fontSize
            }
        }
    }

    Popup {
        id: axesPopup
        objectName: "axesPopup"
        x: panel.width - width - Theme.smallSpacing
        y: Theme.spacing * 2
        padding: Theme.spacing
        modal: false
        focus: true
        onOpened: {
            xFromField.text = panel.formatNumber(axes.xMin);
            xToField.text = panel.formatNumber(axes.xMax);
            yFromField.text = panel.formatNumber(axes.yMin);
            yToField.text = panel.formatNumber(axes.yMax);
            rangeError.visible = false;
        }

        GridLayout {
            columns: 4
            columnSpacing: Theme.smallSpacing
            rowSpacing: Theme.smallSpacing

            Label { text: qsTr("Time from") }
            TextField {
                id: xFromField
                objectName: "xFromField"
                implicitWidth: 80
                validator: DoubleValidator {}
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Sets the left end of the time axis in seconds.")
            }
            Label { text: qsTr("to") }
            TextField {
                id: xToField
                objectName: "xToField"
                implicitWidth: 80
                validator: DoubleValidator {}
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Sets the right end of the time axis in seconds.")
            }
            Label { text: qsTr("Value from") }
            TextField {
                id: yFromField
                objectName: "yFromField"
                implicitWidth: 80
                validator: DoubleValidator {}
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Sets the bottom of the value axis.")
            }
            Label { text: qsTr("to") }
            TextField {
                id: yToField
                objectName: "yToField"
                implicitWidth: 80
                validator: DoubleValidator {}
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Sets the top of the value axis.")
            }
            Label {
                id: rangeError
                objectName: "rangeError"
                visible: false
                text: qsTr("Each range needs two numbers, the first below the second.")
                color: Theme.rejected
                wrapMode: Text.Wrap
                Layout.columnSpan: 4
                Layout.maximumWidth: 320
            }
            Item {
                Layout.columnSpan: 2
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Cancel")
                onClicked: axesPopup.close()
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Closes these fields without changing the axes.")
            }
            Button {
                objectName: "applyAxesButton"
                text: qsTr("Apply")
                highlighted: true
                onClicked: {
                    const ok = axes.setRange(panel.parseNumber(xFromField.text),
                                             panel.parseNumber(xToField.text),
                                             panel.parseNumber(yFromField.text),
                                             panel.parseNumber(yToField.text));
                    rangeError.visible = !ok;
                    if (ok)
                        axesPopup.close();
                }
                ToolTip.visible: hovered
                ToolTip.delay: Theme.toolTipDelay
                ToolTip.text: qsTr("Fixes the chart's axes to the typed ranges.")
            }
        }
    }
}
