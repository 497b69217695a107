import type { RouteRecordRaw } from 'vue-router'
import type { Permission } from '@/api/contract'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission the signed-in user needs; checked by the guard and by the navigation menu. */
    permission?: Permission
    /** i18n key of the page title (also the menu label when `nav` is set). */
    titleKey?: string
    /** Shown in the left navigation menu. */
    nav?: boolean
    /** Position in the navigation menu (ascending). */
    order?: number
    /** Element Plus icon name for the menu. */
    icon?:
      | 'Odometer'
      | 'Files'
      | 'MapLocation'
      | 'Flag'
      | 'DataAnalysis'
      | 'SetUp'
      | 'Connection'
      | 'Document'
      | 'Warning'
      | 'TrendCharts'
      | 'User'
      | 'Key'
      | 'Camera'
      | 'Filter'
      | 'Van'
      | 'Tickets'
      | 'Star'
      | 'Clock'
      | 'Monitor'
      | 'Stamp'
      | 'Search'
      | 'Grid'
      | 'PriceTag'
      | 'Collection'
      | 'PieChart'
      | 'Lock'
      | 'Notebook'
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { public: true, titleKey: 'login.heading' },
  },
  {
    path: '/video/popout',
    name: 'video-popout',
    component: () => import('@/views/video/VideoPopoutView.vue'),
    meta: { permission: 'video.view', titleKey: 'video.popout' },
  },
  {
    path: '/wall/:id(\\d+)',
    name: 'wall',
    component: () => import('@/views/video/WallView.vue'),
    meta: { permission: 'video.view', titleKey: 'nav.wallConsole' },
  },
  {
    path: '/',
    component: () => import('@/components/layout/AppLayout.vue'),
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('@/views/dashboard/DashboardView.vue'),
        meta: {
          permission: 'dashboard.view',
          titleKey: 'nav.dashboard',
          order: 10,
          nav: true,
          icon: 'Odometer',
        },
      },
      {
        path: 'archive',
        name: 'archive',
        component: () => import('@/views/archive/ArchiveView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.archive',
          order: 20,
          nav: true,
          icon: 'Files',
        },
      },
      {
        path: 'map',
        name: 'map',
        component: () => import('@/views/map/MapView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.map',
          order: 30,
          nav: true,
          icon: 'MapLocation',
        },
      },
      {
        path: 'archive/networking',
        name: 'networking',
        component: () => import('@/views/governance/NetworkingPointsView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.networking',
          order: 40,
          nav: true,
          icon: 'Flag',
        },
      },
      {
        path: 'archive/audit',
        name: 'audit',
        component: () => import('@/views/governance/AuditView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.audit',
          order: 50,
          nav: true,
          icon: 'DataAnalysis',
        },
      },
      {
        path: 'archive/rules',
        name: 'rules',
        component: () => import('@/views/governance/RulesView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.rules',
          order: 60,
          nav: true,
          icon: 'SetUp',
        },
      },
      {
        path: 'archive/sync',
        name: 'sync',
        component: () => import('@/views/governance/SyncView.vue'),
        meta: {
          permission: 'archive.sync',
          titleKey: 'nav.sync',
          order: 70,
          nav: true,
          icon: 'Connection',
        },
      },
      {
        path: 'captures/image',
        name: 'image-search',
        component: () => import('@/views/captures/ImageSearchView.vue'),
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.imageSearch',
          order: 72,
          nav: true,
          icon: 'Camera',
        },
      },
      {
        path: 'captures/attributes',
        name: 'attribute-search',
        component: () => import('@/views/captures/CaptureSearchView.vue'),
        props: { mode: 'attributes' },
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.attributeSearch',
          order: 73,
          nav: true,
          icon: 'Filter',
        },
      },
      {
        path: 'captures/vehicles',
        name: 'vehicle-search',
        component: () => import('@/views/captures/CaptureSearchView.vue'),
        props: { mode: 'vehicles' },
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.vehicleSearch',
          order: 74,
          nav: true,
          icon: 'Van',
        },
      },
      {
        path: 'captures/shelf',
        name: 'shelf',
        component: () => import('@/views/captures/ShelfView.vue'),
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.shelf',
          order: 75,
          nav: true,
          icon: 'Tickets',
        },
      },
      {
        path: 'captures/favourites',
        name: 'capture-favourites',
        component: () => import('@/views/captures/FavouritesView.vue'),
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.favourites',
          order: 76,
          nav: true,
          icon: 'Star',
        },
      },
      {
        path: 'captures/history',
        name: 'search-history',
        component: () => import('@/views/captures/SearchHistoryView.vue'),
        meta: {
          permission: 'captures.view',
          titleKey: 'nav.searchHistory',
          order: 77,
          nav: true,
          icon: 'Clock',
        },
      },
      {
        path: 'tags/workbench',
        name: 'tag-workbench',
        component: () => import('@/views/tags/TagWorkbenchView.vue'),
        meta: {
          permission: 'tags.label',
          titleKey: 'nav.tagWorkbench',
          order: 62,
          nav: true,
          icon: 'PriceTag',
        },
      },
      {
        path: 'tags/dictionary',
        name: 'tag-dictionary',
        component: () => import('@/views/tags/TagDictionaryView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.tagDictionary',
          order: 63,
          nav: true,
          icon: 'Collection',
        },
      },
      {
        path: 'tags/stats',
        name: 'tag-stats',
        component: () => import('@/views/tags/TagStatsView.vue'),
        meta: {
          permission: 'devices.view',
          titleKey: 'nav.tagStats',
          order: 64,
          nav: true,
          icon: 'PieChart',
        },
      },
      {
        path: 'tags/access',
        name: 'tag-access',
        component: () => import('@/views/tags/TagAccessView.vue'),
        meta: {
          permission: 'tags.manage',
          titleKey: 'nav.tagAccess',
          order: 65,
          nav: true,
          icon: 'Lock',
        },
      },
      {
        path: 'plans',
        name: 'plans',
        component: () => import('@/views/plans/PlanCentreView.vue'),
        meta: {
          permission: 'plans.view',
          titleKey: 'nav.plans',
          order: 77.5,
          nav: true,
          icon: 'Notebook',
        },
      },
      {
        path: 'video/split',
        name: 'video-split',
        component: () => import('@/views/video/VideoSplitView.vue'),
        meta: {
          permission: 'video.view',
          titleKey: 'nav.videoSplit',
          order: 78,
          nav: true,
          icon: 'Monitor',
        },
      },
      {
        path: 'video/wall',
        name: 'wall-console',
        component: () => import('@/views/video/WallConsoleView.vue'),
        meta: {
          permission: 'wall.control',
          titleKey: 'nav.wallConsole',
          order: 79,
          nav: true,
          icon: 'Grid',
        },
      },
      {
        path: 'video/faults',
        name: 'video-faults',
        component: () => import('@/views/video/FaultsView.vue'),
        meta: {
          permission: 'video.view',
          titleKey: 'nav.faults',
          order: 80,
          nav: true,
          icon: 'Warning',
        },
      },
      {
        path: 'security/watermark',
        name: 'watermark-settings',
        component: () => import('@/views/security/WatermarkSettingsView.vue'),
        meta: {
          permission: 'watermark.manage',
          titleKey: 'nav.watermarkSettings',
          order: 96,
          nav: true,
          icon: 'Stamp',
        },
      },
      {
        path: 'security/decode',
        name: 'watermark-decode',
        component: () => import('@/views/security/WatermarkDecodeView.vue'),
        meta: {
          permission: 'watermark.decode',
          titleKey: 'nav.watermarkDecode',
          order: 97,
          nav: true,
          icon: 'Search',
        },
      },
      {
        path: 'crypto/integrity',
        name: 'crypto-integrity',
        component: () => import('@/views/crypto/IntegrityView.vue'),
        meta: {
          permission: 'crypto.audit',
          titleKey: 'nav.cryptoIntegrity',
          order: 98,
          nav: true,
          icon: 'Lock',
        },
      },
      {
        path: 'crypto/certificates',
        name: 'crypto-certificates',
        component: () => import('@/views/crypto/CertificatesView.vue'),
        meta: {
          permission: 'crypto.manage',
          titleKey: 'nav.cryptoCertificates',
          order: 99,
          nav: true,
          icon: 'Key',
        },
      },
      {
        path: 'crypto/signing',
        name: 'crypto-signing',
        component: () => import('@/views/crypto/SigningToolView.vue'),
        meta: {
          permission: 'crypto.sign',
          titleKey: 'nav.cryptoSigning',
          order: 99.5,
          nav: true,
          icon: 'Stamp',
        },
      },
      {
        path: 'logs',
        name: 'logs',
        component: () => import('@/views/logs/OperationLogView.vue'),
        meta: {
          permission: 'audit.view',
          titleKey: 'nav.logs',
          order: 80,
          nav: true,
          icon: 'Document',
        },
      },
      {
        path: 'audit/anomalies',
        name: 'anomalies',
        component: () => import('@/views/audit/AnomaliesView.vue'),
        meta: {
          permission: 'audit.view',
          titleKey: 'nav.anomalies',
          order: 85,
          nav: true,
          icon: 'Warning',
        },
      },
      {
        path: 'stats',
        name: 'stats',
        component: () => import('@/views/audit/StatsView.vue'),
        meta: {
          permission: 'stats.view',
          titleKey: 'nav.stats',
          order: 87,
          nav: true,
          icon: 'TrendCharts',
        },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('@/views/users/UsersView.vue'),
        meta: {
          permission: 'users.manage',
          titleKey: 'nav.users',
          order: 90,
          nav: true,
          icon: 'User',
        },
      },
      {
        path: 'users/:id(\\d+)/permissions',
        name: 'user-permissions',
        component: () => import('@/views/users/UserPermissionsView.vue'),
        meta: { permission: 'users.manage', titleKey: 'users.permissionsTitle' },
      },
      {
        path: 'roles',
        name: 'roles',
        component: () => import('@/views/users/RolesView.vue'),
        meta: {
          permission: 'users.manage',
          titleKey: 'nav.roles',
          order: 95,
          nav: true,
          icon: 'Key',
        },
      },
      {
        path: 'archive/devices/new',
        name: 'device-new',
        component: () => import('@/views/archive/DeviceView.vue'),
        meta: { permission: 'devices.edit', titleKey: 'archive.newDevice' },
      },
      {
        path: 'archive/devices/:id(\\d+)',
        name: 'device',
        component: () => import('@/views/archive/DeviceView.vue'),
        meta: { permission: 'devices.view', titleKey: 'archive.device.title' },
      },
      {
        path: 'account/password',
        name: 'change-password',
        component: () => import('@/views/account/ChangePasswordView.vue'),
        meta: { titleKey: 'account.changePassword' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/errors/ForbiddenView.vue'),
        meta: { titleKey: 'errors.forbiddenTitle' },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/errors/NotFoundView.vue'),
    meta: { public: true, titleKey: 'errors.notFoundTitle' },
  },
]
