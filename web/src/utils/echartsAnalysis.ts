import * as echarts from 'echarts/core'
import { HeatmapChart, PieChart } from 'echarts/charts'
import { DataZoomComponent, MarkAreaComponent, MarkPointComponent, VisualMapComponent } from 'echarts/components'

// The extra ECharts parts of the electricity-use analysis (heat map, pie, zoom, visual map, marked
// areas and points), registered only by the pages that draw them so that the other pages' chunks
// stay small. Import this module before rendering such a chart with components/EChart.vue.
echarts.use([HeatmapChart, PieChart, DataZoomComponent, VisualMapComponent, MarkAreaComponent, MarkPointComponent])

export {}
