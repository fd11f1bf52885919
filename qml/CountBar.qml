import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Two bars for one stream step: the elements that entered it and the elements that left it,
// scaled against the largest count of the run.
RowLayout {
    id: bar

    property string label
    property var inCount: 0
    property var outCount: 0
    property var largest: 1

    function widthFor(count, available) {
        return largest > 0 ? Math.max(1, available * count / largest) : 1;
    }

    spacing: Theme.smallSpacing

    Label {
        text: bar.label
        elide: Text.ElideRight
        Layout.preferredWidth: 90
    }
    Item {
        id: track
        implicitHeight: 22
        Layout.fillWidth: true

        Rectangle {
            width: bar.widthFor(bar.inCount, track.width)
            height: 9
            color: Theme.tokens
            opacity: 0.45
        }
        Rectangle {
            y: 11
            width: bar.widthFor(bar.outCount, track.width)
            height: 9
            color: Theme.tokens
        }
    }
    Label {
        text: qsTr("%1 → %2").arg(Number(bar.inCount).toLocaleString(Qt.locale(), "f", 0))
                             .arg(Number(bar.outCount).toLocaleString(Qt.locale(), "f", 0))
        font.pixelSize: Theme.smallFontSize
        horizontalAlignment: Text.AlignRight
        Layout.preferredWidth: 150
    }
}
