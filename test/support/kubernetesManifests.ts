/**
 * Realistic multi-document Kubernetes manifests for the benchmark and the incremental-analysis
 * tests: the shapes real repositories hold, one object per document.
 */

/**
 * A realistic manifest of `count` objects, one per document, in a repeating group of eight: a
 * Deployment with probes and resources, its Service and ConfigMap, a PVC, a StatefulSet with a
 * claim template, a Secret, a CronJob and a DaemonSet.
 */
export function syntheticManifest(count: number): string {
  const documents: string[] = [];
  for (let i = 0; i < count; i++) {
    const app = `app-${Math.floor(i / 8)}`;
    const ns = `team-${Math.floor(i / 80)}`;
    switch (i % 8) {
      case 0:
        documents.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app: ${app}
    tier: web
spec:
  replicas: 3
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: ${app}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app: ${app}
        tier: web
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: ${app}
      terminationGracePeriodSeconds: 30
      containers:
        - name: web
          image: registry.example.com/${app}/web:1.21.6
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--metrics-port=9090"]
          ports:
            - name: http
              containerPort: 8080
            - name: metrics
              containerPort: 9090
          env:
            - name: APP_NAME
              value: ${app}
            - name: CONFIG_PATH
              value: /etc/${app}/config.yaml
          envFrom:
            - configMapRef:
                name: ${app}-config
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /healthz/live
              port: http
            initialDelaySeconds: 15
            periodSeconds: 20
          volumeMounts:
            - name: config
              mountPath: /etc/${app}
              readOnly: true
      volumes:
        - name: config
          configMap:
            name: ${app}-config
`);
        break;
      case 1:
        documents.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app: ${app}
spec:
  type: ClusterIP
  selector:
    app: ${app}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
    - name: metrics
      port: 9090
      targetPort: metrics
`);
        break;
      case 2:
        documents.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
  namespace: ${ns}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout"
  config.yaml: |
    server:
      port: 8080
      readTimeout: 30s
    upstream:
      url: http://${app}-backend.${ns}.svc.cluster.local:8080
      retries: 3
`);
        break;
      case 3:
        documents.push(`apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${app}-data
  namespace: ${ns}
spec:
  accessModes:
    - ReadWriteOnce
  storageClassName: standard
  resources:
    requests:
      storage: 10Gi
`);
        break;
      case 4:
        documents.push(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${app}-db
  namespace: ${ns}
spec:
  serviceName: ${app}-db
  replicas: 3
  podManagementPolicy: OrderedReady
  selector:
    matchLabels:
      app: ${app}-db
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: ${app}-db
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - name: postgres
              containerPort: 5432
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
          readinessProbe:
            exec:
              command: ["pg_isready", "-U", "postgres"]
            periodSeconds: 10
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        storageClassName: standard
        resources:
          requests:
            storage: 20Gi
`);
        break;
      case 5:
        documents.push(`apiVersion: v1
kind: Secret
metadata:
  name: ${app}-credentials
  namespace: ${ns}
type: Opaque
stringData:
  username: ${app}
  password: not-a-real-password-${i}
`);
        break;
      case 6:
        documents.push(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${app}-backup
  namespace: ${ns}
spec:
  schedule: "0 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: registry.example.com/tools/backup:2.3.1
              args: ["--target", "s3://backups/${app}"]
              resources:
                requests:
                  cpu: 50m
                  memory: 64Mi
`);
        break;
      default:
        documents.push(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${app}-agent
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${app}-agent
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        app: ${app}-agent
    spec:
      containers:
        - name: agent
          image: registry.example.com/tools/agent:0.9.2
          readinessProbe:
            tcpSocket:
              port: 8125
          resources:
            limits:
              memory: 100Mi
`);
    }
  }
  return documents.join('---\n');
}
