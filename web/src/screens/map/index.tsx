import { useTranslation } from 'react-i18next';

export default function MapScreen() {
  const { t } = useTranslation('map');
  return <h1>{t('title')}</h1>;
}
