import QtQuick
import QtCharts
import Goflow.Studio

// A line chart of one metric against a horizontal reference line (burst, capacity).
// refresh() swaps in the current points; the page decides when to call it.
ChartView {
    id: chart

    required property ChartFeeder feeder
    required property int dataMetric
    required property int referenceMetric
    property string dataName
    property string referenceName
    property string valueTitle
    property color dataColor: Theme.tokens
    property string emptyText
    // Live parameter changes drawn as vertical lines (see ChartMarkers).
    property var markers: []
    readonly property alias dataSeries: dataSeries
    readonly property alias referenceSeries: referenceSeries

    // Returns 1, 2 or 5 times a power of ten, so that `span` shows about five ticks.
    function niceStep(span) {
        const raw = Math.max(span, 1e-9) / 5;
        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        const fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    // Sets an axis range and its tick step in the order that never asks the chart for more
    // than a handful of ticks: a range grown before its step would briefly need millions.
    function setAxis(axis, max) {
        const step = niceStep(max);
        if (step >= axis.tickInterval) {
            axis.tickInterval = step;
            axis.max = max;
        } else {
            axis.max = max;
            axis.tickInterval = step;
        }
    }

    function refresh() {
        setAxis(axisX, feeder.timeSpan());
        setAxis(axisY, feeder.upperBound(dataMetric));
        feeder.update(dataSeries, dataMetric);
        feeder.update(referenceSeries, referenceMetric);
    }

    antialiasing: true
    backgroundColor: Theme.chartBackground
    plotAreaColor: Theme.chartPlotArea
    titleColor: Theme.chartTitle
    legend.alignment: Qt.AlignTop
    legend.labelColor: Theme.legendText
    backgroundRoundness: Theme.radius
    margins.top: 4
    margins.bottom: 4
    margins.left: 4
    margins.right: 4

    ValueAxis {
        id: axisX
        min: 0
        max: 1
        titleText: qsTr("time (s)")
        labelFormat: "%.0f"
        tickType: ValueAxis.TicksDynamic
        tickAnchor: 0
        tickInterval: 5
        color: Theme.chartAxisLine
        labelsColor: Theme.chartAxisLabel
        gridLineColor: Theme.chartGrid
        minorGridLineColor: Theme.chartGrid
        titleBrush: Theme.chartAxisLabel
    }
    ValueAxis {
        id: axisY
        min: 0
        max: 1
        titleText: chart.valueTitle
        labelFormat: "%.0f"
        tickType: ValueAxis.TicksDynamic
        tickAnchor: 0
        tickInterval: 1
        color: Theme.chartAxisLine
        labelsColor: Theme.chartAxisLabel
        gridLineColor: Theme.chartGrid
        minorGridLineColor: Theme.chartGrid
        titleBrush: Theme.chartAxisLabel
    }
    LineSeries {
        id: dataSeries
        name: chart.dataName
        axisX: axisX
        axisY: axisY
        color: chart.dataColor
        width: 2
    }
    LineSeries {
        id: referenceSeries
        name: chart.referenceName
        axisX: axisX
        axisY: axisY
        color: Theme.reference
        width: 1.5
        style: Qt.DashLine
    }
    ChartMarkers {
        chart: chart
        axis: axisX
        markers: chart.markers
    }
    Text {
        anchors.centerIn: parent
        visible: chart.emptyText.length > 0
        text: chart.emptyText
        color: Theme.mutedText
        font.pixelSize: Theme.fontSize
    }
}
