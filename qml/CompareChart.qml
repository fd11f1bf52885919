import QtQuick
import QtCharts
import Goflow.Studio

// One metric of two runs on the same axes, the first run in blue and the second in orange.
// refresh() swaps in the current points; the page decides when to call it.
ChartView {
    id: chart

    required property CompareFeeder feeder
    required property int metric
    property string valueTitle
    readonly property alias firstSeries: firstSeries
    readonly property alias secondSeries: secondSeries

    // Returns 1, 2 or 5 times a power of ten, so that `span` shows about five ticks.
    function niceStep(span) {
        const raw = Math.max(span, 1e-9) / 5;
        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        const fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }

    // Sets the range and tick step in the order that never asks for millions of ticks at once.
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
        setAxis(axisY, feeder.upperBound(metric));
        feeder.update(firstSeries, 0, metric);
        feeder.update(secondSeries, 1, metric);
    }

    antialiasing: true
    legend.alignment: Qt.AlignTop
    legend.font.pixelSize: Theme.smallFontSize
    titleFont.pixelSize: Theme.fontSize
    backgroundRoundness: Theme.radius
    margins.top: 2
    margins.bottom: 2
    margins.left: 2
    margins.right: 2

    ValueAxis {
        id: axisX
        min: 0
        max: 1
        titleText: qsTr("time (s)")
        labelFormat: "%.0f"
        labelsFont.pixelSize: Theme.smallFontSize
        tickType: ValueAxis.TicksDynamic
        tickAnchor: 0
        tickInterval: 5
    }
    ValueAxis {
        id: axisY
        min: 0
        max: 1
        titleText: chart.valueTitle
        labelFormat: "%.0f"
        labelsFont.pixelSize: Theme.smallFontSize
        tickType: ValueAxis.TicksDynamic
        tickAnchor: 0
        tickInterval: 1
    }
    LineSeries {
        id: firstSeries
        name: chart.feeder.firstName
        axisX: axisX
        axisY: axisY
        color: Theme.tokens
        width: 1.5
    }
    LineSeries {
        id: secondSeries
        name: chart.feeder.secondName
        axisX: axisX
        axisY: axisY
        color: Theme.queue
        width: 1.5
    }
}
