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
            controller: testController
            title: "Queue depth"
            valueTitle: "requests"
            seriesSpecs: [
                { metric: ChartFeeder.QueueDepth, name: "queued requests", color: Theme.queue },
                { metric: ChartFeeder.QueueCapacityLine, name: "capacity",
                  color: Theme.reference, dashed: true }
            ]
        }
    }

    function initTestCase() {
        verify(testController.load(TestData.scenarioDirectory + "/api-burst.json"),
               testController.errorMessage);
    }

    function test_refreshFillsSeries() {
        const chart = createShown(chartComponent);
        verify(chart);
        compare(chart.seriesObjects.length, 2);
        const data = chart.seriesObjects[0];
        const reference = chart.seriesObjects[1];
        compare(data.count, 0);
        chart.refresh();
        compare(reference.count, 2);
        compare(reference.at(0).y, testController.queueCapacity);

        testController.simulate();
        tryCompare(testController, "state", StudioController.Finished, 30000);
        chart.refresh();
        verify(testController.sampleCount > 0);
        compare(data.count, Math.min(testController.sampleCount, 10000));
        verify(chart.chartView.axisX(data).max >= testController.durationSeconds);
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

    function checkChartColours(panel) {
        const chart = panel.chartView;
        verify(Qt.colorEqual(chart.backgroundColor, Theme.chartBackground));
        verify(Qt.colorEqual(chart.plotAreaColor, Theme.chartPlotArea));
        verify(Qt.colorEqual(chart.titleColor, Theme.chartTitle));
        verify(Qt.colorEqual(chart.legend.labelColor, Theme.legendText));
        verify(Qt.colorEqual(panel.seriesObjects[0].color, Theme.queue));
        verify(Qt.colorEqual(panel.seriesObjects[1].color, Theme.reference));
        for (const axis of [chart.axisX(panel.seriesObjects[0]),
                            chart.axisY(panel.seriesObjects[0])]) {
            verify(Qt.colorEqual(axis.labelsColor, Theme.chartAxisLabel));
            verify(Qt.colorEqual(axis.gridLineColor, Theme.chartGrid));
            verify(Qt.colorEqual(axis.color, Theme.chartAxisLine));
        }
    }

    function test_followsTheme() {
        const chart = createShown(chartComponent);
        checkChartColours(chart);
        const view = chart.chartView;
        const lightBackground = copyColour(view.backgroundColor);
        const lightLabels = copyColour(view.axisY(chart.seriesObjects[0]).labelsColor);

        Theme.choice = StudioSettings.Dark;
        checkChartColours(chart);
        verify(!Qt.colorEqual(view.backgroundColor, lightBackground));
        verify(!Qt.colorEqual(view.axisY(chart.seriesObjects[0]).labelsColor, lightLabels));

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
        const area = chart.chartView.plotArea;
        const origin = chart.chartView.mapToItem(chart, area.x, area.y);
        const inside = image.pixel(origin.x + 3, origin.y + 3);
        verify(Qt.colorEqual(inside, Theme.chartPlotArea),
               "plot area pixel " + inside + ", expected " + Theme.chartPlotArea);
    }
}
