import QtQuick
import QtCharts
import Goflow.Studio
import Goflow.Testing

StudioTestCase {
    name: "ChartPanel"
    width: 800
    height: 500

    StudioController {
        id: testController
    }
    ChartFeeder {
        id: testFeeder
        controller: testController
    }
    Component {
        id: chartComponent
        ChartPanel {
            width: 800
            height: 400
            feeder: testFeeder
            dataMetric: ChartFeeder.QueueDepth
            referenceMetric: ChartFeeder.QueueCapacityLine
            title: "Queue depth"
            dataName: "queued requests"
            referenceName: "capacity"
            dataColor: Theme.queue
        }
    }

    function initTestCase() {
        verify(testController.load(TestData.scenarioDirectory + "/api-burst.json"),
               testController.errorMessage);
    }

    function test_refreshFillsSeries() {
        const chart = createShown(chartComponent);
        verify(chart);
        compare(chart.dataSeries.count, 0);
        chart.refresh();
        compare(chart.referenceSeries.count, 2);
        compare(chart.referenceSeries.at(0).y, testController.queueCapacity);

        testController.speed = StudioController.AsFastAsPossible;
        testController.run();
        tryCompare(testController, "state", StudioController.Finished, 30000);
        chart.refresh();
        verify(testController.sampleCount > 0);
        compare(chart.dataSeries.count, Math.min(testController.sampleCount, 10000));
        verify(chart.axisX(chart.dataSeries).max >= testController.durationSeconds);
    }

    function test_emptyTextShown() {
        const chart = createShown(chartComponent,
                                            { emptyText: "This scenario has no limiter." });
        const text = findByText(chart, "This scenario has no limiter.");
        verify(text !== null);
        verify(text.visible);
        chart.emptyText = "";
        verify(!text.visible);
    }

    function checkChartColours(chart) {
        verify(Qt.colorEqual(chart.backgroundColor, Theme.chartBackground));
        verify(Qt.colorEqual(chart.plotAreaColor, Theme.chartPlotArea));
        verify(Qt.colorEqual(chart.titleColor, Theme.chartTitle));
        verify(Qt.colorEqual(chart.legend.labelColor, Theme.legendText));
        verify(Qt.colorEqual(chart.dataSeries.color, Theme.queue));
        verify(Qt.colorEqual(chart.referenceSeries.color, Theme.reference));
        for (const axis of [chart.axisX(chart.dataSeries), chart.axisY(chart.dataSeries)]) {
            verify(Qt.colorEqual(axis.labelsColor, Theme.chartAxisLabel));
            verify(Qt.colorEqual(axis.gridLineColor, Theme.chartGrid));
            verify(Qt.colorEqual(axis.color, Theme.chartAxisLine));
        }
    }

    function test_followsTheme() {
        const chart = createShown(chartComponent);
        checkChartColours(chart);
        const lightBackground = copyColour(chart.backgroundColor);
        const lightLabels = copyColour(chart.axisY(chart.dataSeries).labelsColor);

        Theme.choice = StudioSettings.Dark;
        checkChartColours(chart);
        verify(!Qt.colorEqual(chart.backgroundColor, lightBackground));
        verify(!Qt.colorEqual(chart.axisY(chart.dataSeries).labelsColor, lightLabels));

        Theme.choice = StudioSettings.Light;
        checkChartColours(chart);
    }

    function test_darkChartRenders() {
        Theme.choice = StudioSettings.Dark;
        const chart = createShown(chartComponent);
        chart.refresh();
        waitForRendering(chart);
        const image = grabImage(chart);
        // A corner of the plot area, inside the chart's margins and away from the lines.
        const inside = image.pixel(chart.plotArea.x + 3, chart.plotArea.y + 3);
        verify(Qt.colorEqual(inside, Theme.chartPlotArea),
               "plot area pixel " + inside + ", expected " + Theme.chartPlotArea);
    }
}
