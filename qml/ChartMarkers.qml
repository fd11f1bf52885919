import QtQuick
import QtQuick.Controls
import QtCharts
import Goflow.Studio

// Vertical lines over a chart's plot area, one per live parameter change, each with its label.
// Positions follow the x axis, so the lines move with the axis range as the run goes on.
Item {
    id: overlay

    required property ChartView chart
    required property ValueAxis axis
    // Maps with `time` in seconds and a `label`, as StudioController.markers provides them.
    property var markers: []

    x: chart.plotArea.x
    y: chart.plotArea.y
    width: chart.plotArea.width
    height: chart.plotArea.height

    Repeater {
        model: overlay.markers

        delegate: Item {
            id: marker

            required property var modelData
            required property int index
            readonly property real span: overlay.axis.max - overlay.axis.min

            visible: span > 0 && modelData.time >= overlay.axis.min
                     && modelData.time <= overlay.axis.max
            x: span > 0 ? (modelData.time - overlay.axis.min) / span * overlay.width : 0
            width: 1
            height: overlay.height

            Rectangle {
                width: Theme.markerWidth
                height: parent.height
                color: Theme.marker
            }
            Label {
                x: Theme.markerWidth + 2
                // Labels of changes made close together go on three staggered rows.
                y: 2 + (marker.index % 3) * (Theme.smallFontSize + 4)
                text: marker.modelData.label
                color: Theme.marker
                font.pixelSize: Theme.smallFontSize
            }
        }
    }
}
